package io.sluice.tiering.remote;

import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.log.SegmentInfo;

import org.apache.kafka.common.TopicIdPartition;

import java.util.List;
import java.util.Objects;

/**
 * What the partition leader asks {@link SegmentUploader} to upload: one sealed local segment.
 *
 * @param partition          the topic ID, partition and topic name
 * @param segment            the sealed segment ({@code PartitionLog.segments()}, not the active one); its offsets
 *                           are {@code [baseOffset, nextOffset - 1]}. The caller guarantees it lies wholly below the
 *                           high watermark and is not deleted before the upload completes
 * @param leaderEpochLineage the partition's leader epoch entries ({@code LeaderEpochCache.epochEntries()}), at least
 *                           up to the segment's last offset
 * @param leaderEpoch        the caller's current leader epoch (registration is fenced with it)
 * @param brokerId           the caller (the partition leader)
 * @param brokerEpoch        the caller's broker epoch ({@code BrokerLease.brokerEpoch()})
 */
public record SegmentUpload(TopicIdPartition partition, SegmentInfo segment, List<EpochEntry> leaderEpochLineage,
                            int leaderEpoch, int brokerId, long brokerEpoch) {

    public SegmentUpload {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(segment, "segment");
        leaderEpochLineage = List.copyOf(Objects.requireNonNull(leaderEpochLineage, "leaderEpochLineage"));
        if (segment.active()) {
            throw new IllegalArgumentException("the active segment " + segment.baseOffset() + " of " + partition
                + " cannot be uploaded: only sealed segments are");
        }
        if (segment.nextOffset() <= segment.baseOffset() || segment.sizeInBytes() <= 0) {
            throw new IllegalArgumentException("empty segment " + segment.baseOffset() + " of " + partition);
        }
    }

    /** The segment's last offset, inclusive. */
    public long lastOffset() {
        return segment.nextOffset() - 1;
    }
}
