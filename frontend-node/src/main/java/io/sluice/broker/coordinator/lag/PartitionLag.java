package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.TopicPartition;

import java.util.Comparator;

/**
 * How far a consumer group is behind on one partition.
 *
 * <p>The rule is Kafka's ({@code kafka-consumer-groups --describe}: LAG = LOG-END-OFFSET - CURRENT-OFFSET) and
 * Confluent REST Proxy's ({@code lag = log_end_offset - current_offset}): the number of records the group has not
 * consumed yet, where the log end offset is the partition's high watermark (what a consumer can read) and the current
 * offset is the group's committed offset (the next offset it will consume). Kafka does not check committed offsets
 * against the log, so a commit past the high watermark is possible; its lag counts as 0, never negative.
 *
 * @param partition       the partition
 * @param committedOffset the group's committed offset (the next offset the group will consume)
 * @param logEndOffset    the partition's high watermark (exclusive)
 */
public record PartitionLag(TopicPartition partition, long committedOffset, long logEndOffset) {
    /** The order in which lag is reported: by topic name, then partition index. */
    public static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** @return {@code logEndOffset - committedOffset}, or 0 when the committed offset is at or past the end */
    public long lag() {
        return Math.max(0L, logEndOffset - committedOffset);
    }
}
