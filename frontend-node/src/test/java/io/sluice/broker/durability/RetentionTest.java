package io.sluice.broker.durability;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Size-based retention with small segments: whole old segments are deleted, the log start offset (earliest
 * offset) advances, and fetching below it gives OFFSET_OUT_OF_RANGE.
 */
@ExtendWith(EtcdExtension.class)
class RetentionTest {
    @Test
    void retentionBytesDeletesOldSegmentsAndAdvancesTheEarliestOffset(EtcdTestEnv etcd, @TempDir Path dir)
            throws Exception {
        try (TestBroker broker = TestBroker.start(etcd, dir, Map.of(
                "log.retention.check.interval.ms", "100", "log.initial.task.delay.ms", "0",
                "log.segment.delete.delay.ms", "100"))) {
            broker.createTopic("retained", 1, Map.of("segment.bytes", "4096", "retention.bytes", "16384"));
            try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of("batch.size", "1024"))) {
                for (int i = 0; i < 2000; i++) {
                    producer.send(new ProducerRecord<>("retained", 0, null, "value-" + i + "-" + "x".repeat(40)));
                }
                producer.flush();
            }
            TopicPartition tp = new TopicPartition("retained", 0);
            try (KafkaConsumer<String, String> consumer = broker.stringConsumer(
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
                assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 2000L);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> consumer.beginningOffsets(List.of(tp)).get(tp) > 0);
                long earliest = consumer.beginningOffsets(List.of(tp)).get(tp);
                Path partitionDir = dir.resolve("logs").resolve("retained-0");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    try (Stream<Path> files = Files.list(partitionDir)) {
                        long bytes = files.filter(f -> f.toString().endsWith(".log"))
                                .mapToLong(f -> f.toFile().length()).sum();
                        // retention.bytes plus at most the active segment
                        assertThat(bytes).isLessThanOrEqualTo(16384 + 4096);
                    }
                });
                try (Stream<Path> files = Files.list(partitionDir)) {
                    assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted()
                            .findFirst().orElseThrow()).isEqualTo(String.format("%020d.log", earliest));
                }

                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 50; i++) {
                        consumer.poll(Duration.ofMillis(100));
                    }
                }).isInstanceOf(OffsetOutOfRangeException.class);

                consumer.seek(tp, earliest);
                var records = consumer.poll(Duration.ofSeconds(5));
                assertThat(records.isEmpty()).isFalse();
                assertThat(records.iterator().next().offset()).isEqualTo(earliest);
            }
        }
    }
}
