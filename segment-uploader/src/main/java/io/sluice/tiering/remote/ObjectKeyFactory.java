package io.sluice.tiering.remote;

import org.apache.kafka.common.Uuid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object keys of remote segments (documented in {@code docs/tiered-storage.md}), deterministic and parseable:
 * <pre>
 * &lt;hash&gt;/&lt;topicId&gt;/&lt;partition&gt;/&lt;20-digit base offset&gt;-&lt;segmentId&gt;&lt;suffix&gt;
 * e.g. 3f9a/kG5hXxEBR0mJ3xgFVd0Lxw/0/00000000000000001000-7PjpHM1SQ0yq7vU0cw7l8A.log
 * </pre>
 * <ul>
 *   <li>{@code hash}: the first 4 hex digits of SHA-256 of the UTF-8 string {@code <topicId>/<partition>}
 *       ({@code printf '%s' 'kG5hXxEBR0mJ3xgFVd0Lxw/0' | sha256sum | cut -c1-4}). It spreads partitions over 65,536
 *       key prefixes, so S3 can split its request-rate partitions (3,500 writes and 5,500 reads per second per prefix)
 *       instead of all traffic hitting one prefix;</li>
 *   <li>{@code topicId}: Kafka's 22-character base64 topic ID: a deleted and re-created topic gets a new ID, so its
 *       objects never collide with the old ones;</li>
 *   <li>the 20-digit base offset (Kafka's segment file name) makes a partition's keys sort by offset;</li>
 *   <li>{@code segmentId}: a random {@link Uuid} per upload, so a retried or concurrent upload of the same offsets
 *       (a new leader re-uploading) never overwrites another upload's objects.</li>
 * </ul>
 * The object store adds its own key prefix ({@code S3Config.keyPrefix()}) in front. Thread-safe (stateless).
 */
public final class ObjectKeyFactory {

    /** The objects of a segment, by file suffix. */
    public enum Suffix {
        LOG(".log"),
        OFFSET_INDEX(".index"),
        TIME_INDEX(".timeindex"),
        LEADER_EPOCH_CHECKPOINT(".leader-epoch-checkpoint");

        private final String suffix;

        Suffix(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }

        static Optional<Suffix> of(String text) {
            return Arrays.stream(values()).filter(s -> s.suffix.equals(text)).findFirst();
        }
    }

    /**
     * A parsed object key.
     *
     * @param topicId    the topic ID
     * @param partition  the partition
     * @param baseOffset the segment's base offset
     * @param segmentId  the upload's segment id
     * @param suffix     which object of the segment
     */
    public record ParsedKey(Uuid topicId, int partition, long baseOffset, Uuid segmentId, Suffix suffix) {
    }

    /**
     * The four keys of one segment.
     *
     * @param log                   the {@code .log} key
     * @param offsetIndex           the {@code .index} key
     * @param timeIndex             the {@code .timeindex} key
     * @param leaderEpochCheckpoint the leader epoch checkpoint key
     */
    public record SegmentKeys(String log, String offsetIndex, String timeIndex, String leaderEpochCheckpoint) {
    }

    private static final Pattern KEY = Pattern.compile(
        "([0-9a-f]{4})/([A-Za-z0-9_-]{22})/(\\d+)/(\\d{20})-([A-Za-z0-9_-]{22})(\\.[a-z-]+)");

    private ObjectKeyFactory() {
    }

    /** The 4-hex-digit hash prefix of a partition. */
    public static String hashPrefix(Uuid topicId, int partition) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((topicId + "/" + partition).getBytes(StandardCharsets.UTF_8));
            return String.format("%02x%02x", digest[0] & 0xff, digest[1] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The prefix of every object of a partition: {@code <hash>/<topicId>/<partition>/}. */
    public static String partitionPrefix(Uuid topicId, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
        return hashPrefix(topicId, partition) + "/" + topicId + "/" + partition + "/";
    }

    /** The key of one object of a segment. */
    public static String key(Uuid topicId, int partition, long baseOffset, Uuid segmentId, Suffix suffix) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("negative base offset " + baseOffset);
        }
        return partitionPrefix(topicId, partition) + String.format("%020d", baseOffset) + "-" + segmentId
            + suffix.suffix();
    }

    /** The four keys of a segment. */
    public static SegmentKeys segmentKeys(Uuid topicId, int partition, long baseOffset, Uuid segmentId) {
        return new SegmentKeys(key(topicId, partition, baseOffset, segmentId, Suffix.LOG),
            key(topicId, partition, baseOffset, segmentId, Suffix.OFFSET_INDEX),
            key(topicId, partition, baseOffset, segmentId, Suffix.TIME_INDEX),
            key(topicId, partition, baseOffset, segmentId, Suffix.LEADER_EPOCH_CHECKPOINT));
    }

    /** Parses a key of this scheme; empty for any other key (including a wrong hash prefix). */
    public static Optional<ParsedKey> parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Uuid topicId = Uuid.fromString(m.group(2));
            int partition = Integer.parseInt(m.group(3));
            if (!hashPrefix(topicId, partition).equals(m.group(1))) {
                return Optional.empty();
            }
            Optional<Suffix> suffix = Suffix.of(m.group(6));
            if (suffix.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ParsedKey(topicId, partition, Long.parseLong(m.group(4)),
                Uuid.fromString(m.group(5)), suffix.get()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
