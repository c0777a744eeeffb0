package io.sluice.metadata.remote;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Sluice knows about one segment in the object store: the registration in etcd (see
 * {@code docs/tiered-storage.md}, "Manifest"), stored as versioned JSON by {@link RemoteSegmentMetadataJson}. The
 * fields follow Kafka's {@code RemoteLogSegmentMetadata} (KIP-405) plus the object keys and checksums.
 *
 * <p>Offsets: {@code baseOffset} and {@code lastOffset} are both inclusive; {@code lastOffset + 1}
 * ({@link #nextOffset()}) is the base offset of the next segment. Timestamps are epoch milliseconds.
 *
 * @param topicId             the topic ID (a re-created topic has a new one, so its segments never collide)
 * @param topicName           the topic name at upload time (informational: a topic is identified by its ID)
 * @param partition           the partition index
 * @param segmentId           a random id unique to this upload; two uploads of the same offsets differ in it
 * @param baseOffset          the first offset in the segment (the local segment's file name), inclusive
 * @param lastOffset          the last offset in the segment, inclusive; {@code >= baseOffset}
 * @param firstTimestamp      the timestamp of the first record batch (its first record's timestamp, or its append
 *                            time for {@code LogAppendTime} topics); -1 if unknown
 * @param maxTimestamp        the largest record timestamp in the segment (Kafka's {@code maxTimestampMs}); -1 if
 *                            none
 * @param sizeInBytes         the size of the {@code .log} object in bytes ({@code > 0})
 * @param segmentLeaderEpochs the leader epochs that wrote offsets of this segment: epoch → first offset of that epoch
 *                            within the segment (the first entry's offset is clamped to {@code baseOffset}), as
 *                            Kafka's {@code segmentLeaderEpochs}; non-empty, offsets increase with the epoch, all in
 *                            {@code [baseOffset, lastOffset]}
 * @param objects             the object keys, sizes and checksums
 * @param leaderEpoch         the leader epoch of the broker that uploaded it (fenced at registration)
 * @param brokerId            the broker that uploaded it
 * @param createdTimestamp    when the upload started, epoch ms
 * @param state               the life-cycle state
 */
public record RemoteSegmentMetadata(Uuid topicId, String topicName, int partition, Uuid segmentId, long baseOffset,
                                    long lastOffset, long firstTimestamp, long maxTimestamp, long sizeInBytes,
                                    NavigableMap<Integer, Long> segmentLeaderEpochs, RemoteSegmentObjects objects,
                                    int leaderEpoch, int brokerId, long createdTimestamp, RemoteSegmentState state) {

    public RemoteSegmentMetadata {
        Objects.requireNonNull(topicId, "topicId");
        Objects.requireNonNull(topicName, "topicName");
        Objects.requireNonNull(segmentId, "segmentId");
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(state, "state");
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
        if (baseOffset < 0 || lastOffset < baseOffset) {
            throw new IllegalArgumentException("invalid offset range [" + baseOffset + ", " + lastOffset + "]");
        }
        if (sizeInBytes <= 0) {
            throw new IllegalArgumentException("segment size must be positive: " + sizeInBytes);
        }
        if (objects.log().sizeInBytes() != sizeInBytes) {
            throw new IllegalArgumentException("sizeInBytes " + sizeInBytes + " differs from the log object's size "
                + objects.log().sizeInBytes());
        }
        if (leaderEpoch < 0 || brokerId < 0) {
            throw new IllegalArgumentException("leaderEpoch and brokerId must be >= 0");
        }
        segmentLeaderEpochs = Collections.unmodifiableNavigableMap(new TreeMap<>(
            Objects.requireNonNull(segmentLeaderEpochs, "segmentLeaderEpochs")));
        validateEpochs(segmentLeaderEpochs, baseOffset, lastOffset);
    }

    private static void validateEpochs(NavigableMap<Integer, Long> epochs, long baseOffset, long lastOffset) {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("segmentLeaderEpochs must not be empty");
        }
        long previous = -1;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            long start = e.getValue();
            if (e.getKey() < 0 || start < baseOffset || start > lastOffset || start < previous) {
                throw new IllegalArgumentException("invalid segmentLeaderEpochs " + epochs + " for offsets ["
                    + baseOffset + ", " + lastOffset + "]");
            }
            previous = start;
        }
        if (epochs.firstEntry().getValue() != baseOffset) {
            throw new IllegalArgumentException("the first leader epoch of " + epochs + " must start at the base offset "
                + baseOffset);
        }
    }

    /** The topic ID and partition. */
    public TopicIdPartition topicIdPartition() {
        return new TopicIdPartition(topicId, partition, topicName);
    }

    /** {@code lastOffset + 1}: the exclusive end offset. */
    public long nextOffset() {
        return lastOffset + 1;
    }

    /** Whether {@code offset} lies in {@code [baseOffset, lastOffset]}. */
    public boolean contains(long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }

    /** Whether this segment's offset range shares at least one offset with {@code [base, last]}. */
    public boolean overlaps(long base, long last) {
        return base <= lastOffset && last >= baseOffset;
    }

    /** The leader epoch that wrote {@code offset}, or empty if the offset is outside this segment. */
    public Optional<Integer> leaderEpochFor(long offset) {
        if (!contains(offset)) {
            return Optional.empty();
        }
        Integer found = null;
        for (Map.Entry<Integer, Long> e : segmentLeaderEpochs.entrySet()) {
            if (e.getValue() <= offset) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * This metadata in state {@code next}.
     *
     * @throws IllegalStateException if {@link RemoteSegmentState#canTransitionTo} forbids it
     */
    public RemoteSegmentMetadata withState(RemoteSegmentState next) {
        if (!state.canTransitionTo(next)) {
            throw new IllegalStateException("remote segment " + segmentId + " cannot go from " + state + " to " + next);
        }
        return new RemoteSegmentMetadata(topicId, topicName, partition, segmentId, baseOffset, lastOffset,
            firstTimestamp, maxTimestamp, sizeInBytes, segmentLeaderEpochs, objects, leaderEpoch, brokerId,
            createdTimestamp, next);
    }

    @Override
    public String toString() {
        return "RemoteSegment(" + topicName + "-" + partition + " [" + topicId + "], id " + segmentId + ", offsets ["
            + baseOffset + ", " + lastOffset + "], " + sizeInBytes + " bytes, epochs " + segmentLeaderEpochs
            + ", uploaded by broker " + brokerId + " at leader epoch " + leaderEpoch + ", " + state + ")";
    }
}
