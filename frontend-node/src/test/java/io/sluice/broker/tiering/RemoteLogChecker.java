package io.sluice.broker.tiering;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentObjects;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.remote.ObjectKeyFactory;
import org.apache.kafka.common.Uuid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Audits one partition's remote log as a whole: its registrations in etcd against the objects in the bucket, the
 * promises of {@code docs/tiered-storage.md} ("Upload and registration protocol", "Failure handling"):
 *
 * <ul>
 *   <li>{@code GAP}: offsets between two consecutive registrations that no registration holds (registered ranges must
 *       be contiguous: a new leader uploads a slice of a straddling segment rather than leave a hole);</li>
 *   <li>{@code OVERLAP}: two registrations share offsets (the etcd fence on {@code RemoteLogState.highestOffset}
 *       forbids it);</li>
 *   <li>{@code WRONG_PARTITION}: a registration names another topic ID or partition than the one read;</li>
 *   <li>{@code BAD_KEY}: a registered object key does not follow {@link ObjectKeyFactory}'s scheme or names another
 *       partition, base offset, segment id or object kind than its registration;</li>
 *   <li>{@code MISSING_OBJECT}: one of a registration's four objects is not in the bucket;</li>
 *   <li>{@code SIZE_MISMATCH}: an object's size in the bucket differs from its registered {@code sizeInBytes};</li>
 *   <li>{@code READABLE_HOLE}: a {@code DELETE_STARTED} registration lies above a {@code COPY_FINISHED} one (retention
 *       deletes oldest first, without holes);</li>
 *   <li>{@code UNCOLLECTABLE_OBJECT}: an object under the partition's prefix that no registration references and that
 *       the {@code OrphanCollector} would never remove (its key does not parse as this partition's scheme key).</li>
 * </ul>
 * Two findings are reported, not violations: registrations still in {@code DELETE_STARTED} (a retention or a crash
 * in between leaves them; {@code finishStartedDeletions} completes them, so tests wait for them to go) and
 * <em>collectable orphans</em>, unreferenced objects of this partition's scheme (uploads whose registration was
 * fenced or whose uploader died), which the orphan collector removes once they are {@code minAge} old.
 *
 * <p>Offsets are Kafka offsets: a registration holds {@code [baseOffset, lastOffset]}, both inclusive.
 *
 * <p>Stateless and thread-safe.
 */
public final class RemoteLogChecker {

    private RemoteLogChecker() {
    }

    /**
     * What was read of one partition's remote log, in this order: the bucket listing, the registrations, the bucket
     * listing again. Objects are keyed relative to the store's key prefix.
     *
     * @param listedBefore  the partition prefix's objects listed before the registrations were read: an object
     *                      registered meanwhile counts as referenced (as in {@code OrphanCollector.collect}), so it is
     *                      used to find unreferenced objects
     * @param registrations the partition's registrations in every state, sorted by base offset
     * @param listedAfter   the listing after the registrations were read: every registered object written before its
     *                      registration is in it (unless retention deleted it meanwhile), so it is used to check the
     *                      registered objects' existence and sizes
     */
    public record Snapshot(Uuid topicId, int partition, List<ObjectSummary> listedBefore,
                           List<RemoteSegmentMetadata> registrations, List<ObjectSummary> listedAfter) {
        public Snapshot {
            listedBefore = List.copyOf(listedBefore);
            registrations = registrations.stream()
                    .sorted(Comparator.comparingLong(RemoteSegmentMetadata::baseOffset)).toList();
            listedAfter = List.copyOf(listedAfter);
        }
    }

    /**
     * Reads a {@link Snapshot}: lists the partition's prefix ({@link ObjectKeyFactory#partitionPrefix}), reads its
     * registrations ({@link MetadataStore#remoteSegments}), lists again. Blocking.
     *
     * @param store   the object store with the brokers' key prefix ({@code sluice.s3.prefix})
     * @param timeout bound on each of the three reads
     * @throws java.util.concurrent.ExecutionException   with the store's or etcd's error
     * @throws java.util.concurrent.TimeoutException     if a read takes longer than {@code timeout}
     */
    public static Snapshot read(MetadataStore metadata, ObjectStore store, Uuid topicId, int partition,
                                Duration timeout) throws Exception {
        String prefix = ObjectKeyFactory.partitionPrefix(topicId, partition);
        long ms = timeout.toMillis();
        List<ObjectSummary> before = store.list(prefix).get(ms, TimeUnit.MILLISECONDS);
        List<RemoteSegmentMetadata> registrations = metadata.remoteSegments(topicId, partition)
                .get(ms, TimeUnit.MILLISECONDS);
        List<ObjectSummary> after = store.list(prefix).get(ms, TimeUnit.MILLISECONDS);
        return new Snapshot(topicId, partition, before, registrations, after);
    }

    /** {@link #read} then {@link #check(Snapshot)}. */
    public static RemoteLogReport check(MetadataStore metadata, ObjectStore store, Uuid topicId, int partition,
                                        Duration timeout) throws Exception {
        return check(read(metadata, store, topicId, partition, timeout));
    }

    /** Checks a snapshot; see the class comment for what is reported. */
    public static RemoteLogReport check(Snapshot snapshot) {
        List<String> violations = new ArrayList<>();
        checkRanges(snapshot.registrations(), violations);
        Map<String, ObjectSummary> listed = new HashMap<>();
        snapshot.listedAfter().forEach(o -> listed.put(o.key(), o));
        Set<String> referenced = new HashSet<>();
        List<RemoteSegmentMetadata> deleteStarted = new ArrayList<>();
        boolean readableSeen = false;
        for (RemoteSegmentMetadata segment : snapshot.registrations()) {
            if (!segment.topicId().equals(snapshot.topicId()) || segment.partition() != snapshot.partition()) {
                violations.add("WRONG_PARTITION " + segment + " is registered under " + snapshot.topicId() + "-"
                        + snapshot.partition());
            }
            if (segment.state() == RemoteSegmentState.DELETE_STARTED) {
                deleteStarted.add(segment);
                if (readableSeen) {
                    violations.add("READABLE_HOLE " + segment + " is being deleted above a readable segment");
                }
            } else {
                readableSeen = true;
            }
            referenced.addAll(segment.objects().keys());
            checkObjects(segment, listed, violations);
        }
        List<String> orphans = new ArrayList<>();
        for (ObjectSummary object : snapshot.listedBefore()) {
            if (referenced.contains(object.key())) {
                continue;
            }
            Optional<ObjectKeyFactory.ParsedKey> parsed = ObjectKeyFactory.parse(object.key());
            if (parsed.isPresent() && parsed.get().topicId().equals(snapshot.topicId())
                    && parsed.get().partition() == snapshot.partition()) {
                orphans.add(object.key() + " (" + object.sizeInBytes() + " bytes, written " + object.lastModified()
                        + ")");
            } else {
                violations.add("UNCOLLECTABLE_OBJECT " + object.key() + " is referenced by no registration and the "
                        + "orphan collector would never remove it (not a scheme key of " + snapshot.topicId() + "-"
                        + snapshot.partition() + ")");
            }
        }
        return new RemoteLogReport(snapshot.topicId(), snapshot.partition(), snapshot.registrations(), violations,
                deleteStarted, orphans);
    }

    private static void checkRanges(List<RemoteSegmentMetadata> registrations, List<String> violations) {
        for (int i = 1; i < registrations.size(); i++) {
            RemoteSegmentMetadata previous = registrations.get(i - 1);
            RemoteSegmentMetadata next = registrations.get(i);
            if (next.baseOffset() > previous.lastOffset() + 1) {
                violations.add("GAP offsets [" + (previous.lastOffset() + 1) + ", " + (next.baseOffset() - 1)
                        + "] are in no registration, between " + previous + " and " + next);
            } else if (next.baseOffset() <= previous.lastOffset()) {
                violations.add("OVERLAP " + previous + " and " + next + " share offsets ["
                        + next.baseOffset() + ", " + Math.min(previous.lastOffset(), next.lastOffset()) + "]");
            }
        }
    }

    private static void checkObjects(RemoteSegmentMetadata segment, Map<String, ObjectSummary> listed,
                                     List<String> violations) {
        RemoteSegmentObjects objects = segment.objects();
        checkObject(segment, objects.log(), ObjectKeyFactory.Suffix.LOG, listed, violations);
        checkObject(segment, objects.offsetIndex(), ObjectKeyFactory.Suffix.OFFSET_INDEX, listed, violations);
        checkObject(segment, objects.timeIndex(), ObjectKeyFactory.Suffix.TIME_INDEX, listed, violations);
        checkObject(segment, objects.leaderEpochCheckpoint(), ObjectKeyFactory.Suffix.LEADER_EPOCH_CHECKPOINT, listed,
                violations);
    }

    private static void checkObject(RemoteSegmentMetadata segment, RemoteObject object,
                                    ObjectKeyFactory.Suffix kind, Map<String, ObjectSummary> listed,
                                    List<String> violations) {
        Optional<ObjectKeyFactory.ParsedKey> parsed = ObjectKeyFactory.parse(object.key());
        ObjectKeyFactory.ParsedKey expected = new ObjectKeyFactory.ParsedKey(segment.topicId(), segment.partition(),
                segment.baseOffset(), segment.segmentId(), kind);
        if (parsed.isEmpty() || !parsed.get().equals(expected)) {
            violations.add("BAD_KEY " + object.key() + " of " + segment + " should name " + expected);
        }
        ObjectSummary found = listed.get(object.key());
        if (found == null) {
            violations.add("MISSING_OBJECT " + object.key() + " of " + segment + " is not in the bucket");
        } else if (found.sizeInBytes() != object.sizeInBytes()) {
            violations.add("SIZE_MISMATCH " + object.key() + " of " + segment + " has " + found.sizeInBytes()
                    + " bytes in the bucket, " + object.sizeInBytes() + " registered");
        }
    }
}
