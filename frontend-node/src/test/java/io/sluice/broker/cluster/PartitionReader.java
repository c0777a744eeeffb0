package io.sluice.broker.cluster;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Reads partitions back completely with a real {@link KafkaConsumer}: from the log start offset up to the high
 * watermark the broker reports ({@code endOffsets}, isolation level read_uncommitted), through the current leaders.
 */
public final class PartitionReader {
    private PartitionReader() {
    }

    /**
     * Reads every record of {@code partitions}.
     *
     * @param minimumEnd for each partition, an end offset the high watermark must reach before reading (e.g. one
     *                   past the highest acknowledged offset: an acknowledged record must become visible); the
     *                   read goes ahead after {@code timeout} even if it was not reached, and the checker then
     *                   reports what is missing
     * @return per partition, its records in the order read
     * @throws org.awaitility.core.ConditionTimeoutException if the records up to the end offsets cannot be read
     *         within {@code timeout}
     */
    public static Map<TopicPartition, List<ReadRecord>> readAll(SluiceCluster cluster,
                                                                Collection<TopicPartition> partitions,
                                                                Map<TopicPartition, Long> minimumEnd,
                                                                Duration timeout) {
        return readAll(() -> cluster.consumer(Map.of()), partitions, minimumEnd, timeout);
    }

    /**
     * As {@link #readAll(SluiceCluster, Collection, Map, Duration)} with a consumer from {@code consumers} (for
     * in-process brokers, e.g. {@code TestBroker.stringConsumer}); the consumer must not belong to a group (it is
     * assigned the partitions) and is closed here.
     */
    public static Map<TopicPartition, List<ReadRecord>> readAll(Supplier<KafkaConsumer<String, String>> consumers,
                                                                Collection<TopicPartition> partitions,
                                                                Map<TopicPartition, Long> minimumEnd,
                                                                Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumers.get()) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>();
            try {
                await("high watermarks reach " + minimumEnd).atMost(timeout).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> {
                            end.clear();
                            end.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(5)));
                            return minimumEnd.entrySet().stream()
                                    .allMatch(e -> end.getOrDefault(e.getKey(), 0L) >= e.getValue());
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                if (end.size() != partitions.size()) {
                    throw e;
                }
                // read what is there; the checker reports the missing records
            }
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, List<ReadRecord>> read = new TreeMap<>(
                    java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            partitions.forEach(tp -> read.put(tp, new ArrayList<>()));
            await("read every partition up to " + end).atMost(timeout).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                            if (record.offset() < end.get(tp)) {
                                read.get(tp).add(new ReadRecord(tp, record.offset(), record.value()));
                            }
                        }
                        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                    });
            return read;
        }
    }
}
