package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Where consumer lag gets its end offsets: the high watermark of each partition, read from the partition's leader
 * (Kafka's ListOffsets with {@code LATEST_TIMESTAMP} and READ_UNCOMMITTED, what {@code kafka-consumer-groups}
 * shows as LOG-END-OFFSET: the offset after the last record a consumer can read).
 */
@FunctionalInterface
public interface LogEndOffsets {
    /**
     * Reads the high watermarks of {@code partitions} in one request round.
     *
     * @return per partition its high watermark, or why it has none (see {@link HighWatermarks}); the future fails
     *         only when the whole read fails (e.g. the Admin client cannot be created)
     */
    CompletableFuture<HighWatermarks> highWatermarks(Collection<TopicPartition> partitions);
}
