package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The answer of one {@link LogEndOffsets} read. Every partition asked for is in exactly one of the three parts.
 *
 * @param offsets the high watermark of each partition read (exclusive: the next offset a consumer will get), by
 *                partition
 * @param unknown partitions that do not exist (their topic was deleted, or the topic has fewer partitions):
 *                Kafka's UNKNOWN_TOPIC_OR_PARTITION
 * @param failed  partitions whose read failed otherwise (no leader within the timeout, ...), with the error
 */
public record HighWatermarks(Map<TopicPartition, Long> offsets, Set<TopicPartition> unknown,
                             Map<TopicPartition, Throwable> failed) {
    public HighWatermarks {
        offsets = Map.copyOf(offsets);
        unknown = Set.copyOf(unknown);
        failed = Map.copyOf(failed);
    }

    /** The answer for no partitions. */
    public static final HighWatermarks EMPTY = new HighWatermarks(Map.of(), Set.of(), Map.of());

    /** @return the high watermark of {@code tp}, empty if it was not read */
    public Optional<Long> highWatermark(TopicPartition tp) {
        return Optional.ofNullable(offsets.get(tp));
    }

    /** @return the error of one failed partition (the first by topic and partition), empty if none failed */
    public Optional<Throwable> firstFailure() {
        return failed.entrySet().stream()
                .min(Map.Entry.comparingByKey(PartitionLag.PARTITION_ORDER))
                .map(Map.Entry::getValue);
    }
}
