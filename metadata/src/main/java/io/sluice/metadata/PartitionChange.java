package io.sluice.metadata;

import org.apache.kafka.common.TopicIdPartition;

import java.util.Objects;
import java.util.Optional;

/**
 * One partition whose state differs between two images.
 *
 * @param partition the partition
 * @param previous  its state before; empty when the partition is new (topic created, partitions added)
 * @param current   its state after; empty when the partition is gone (topic deleted)
 */
public record PartitionChange(TopicIdPartition partition, Optional<PartitionState> previous,
                              Optional<PartitionState> current) {

    public PartitionChange {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
    }

    /** Whether {@code brokerId} was not a replica before and is one now (the broker must create the local log). */
    public boolean becameReplica(int brokerId) {
        return current.map(s -> s.isReplica(brokerId)).orElse(false)
            && !previous.map(s -> s.isReplica(brokerId)).orElse(false);
    }

    /** Whether {@code brokerId} was a replica before and is not one now (the broker must delete the local log). */
    public boolean stoppedBeingReplica(int brokerId) {
        return previous.map(s -> s.isReplica(brokerId)).orElse(false)
            && !current.map(s -> s.isReplica(brokerId)).orElse(false);
    }
}
