package io.sluice.broker.durability;

import io.sluice.broker.testing.ExternalBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash recovery end to end: an idempotent producer writes 100,000 records while the broker process is killed
 * with SIGKILL part-way and restarted on the same disk. Every acknowledged record must be there exactly once, the
 * offsets continuous, and the indexes usable (seeks to arbitrary offsets land on the right record).
 */
@ExtendWith(EtcdExtension.class)
class KillAndRestartTest {
    private static final int RECORDS = 100_000;
    private static final int PARTITIONS = 3;

    @Test
    void everyAcknowledgedRecordSurvivesKillNine(EtcdTestEnv etcd, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
        // small segments so recovery has several segments and index files to deal with
        try (ExternalBroker broker = ExternalBroker.start(etcd.endpoint(), etcd.newNamespace(), dir.resolve("b1"),
                Map.of("log.segment.bytes", "262144"))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("crash", PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = "record-" + i;
                    producer.send(new ProducerRecord<>("crash", i % PARTITIONS, null, value), (metadata, e) -> {
                        if (e == null) {
                            acked.add(value);
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                    if (i == RECORDS / 3) {
                        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= RECORDS / 4);
                        broker.kill();
                        broker.startProcess();
                    }
                }
                producer.flush();
            }
            assertThat(acked.size()).isGreaterThanOrEqualTo(RECORDS / 4);
            assertThat(acked.size() + failed.get()).isEqualTo(RECORDS);

            Map<String, Object> consumerProps = new HashMap<>();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition("crash", p));
                }
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long total = end.values().stream().mapToLong(Long::longValue).sum();
                Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long count = 0;
                while (count < total && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        read.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), k -> new ArrayList<>())
                                .add(record);
                        count++;
                    }
                }
                List<String> values = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    List<ConsumerRecord<String, String>> records = read.getOrDefault(tp, List.of());
                    assertThat(records).hasSize(end.get(tp).intValue());
                    for (int i = 0; i < records.size(); i++) {
                        assertThat(records.get(i).offset()).as("offsets of %s are continuous", tp).isEqualTo(i);
                        values.add(records.get(i).value());
                    }
                }
                assertThat(values).doesNotHaveDuplicates();
                assertThat(values).containsAll(acked);

                // indexes: seek to arbitrary offsets and land exactly there
                Random random = new Random(42);
                TopicPartition tp0 = partitions.get(0);
                List<ConsumerRecord<String, String>> p0 = read.get(tp0);
                consumer.assign(List.of(tp0));
                for (int i = 0; i < 8; i++) {
                    int offset = random.nextInt(p0.size());
                    consumer.seek(tp0, offset);
                    List<ConsumerRecord<String, String>> polled = new ArrayList<>();
                    long seekDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (polled.isEmpty() && System.nanoTime() < seekDeadline) {
                        consumer.poll(Duration.ofMillis(200)).records(tp0).forEach(polled::add);
                    }
                    assertThat(polled.get(0).offset()).isEqualTo(offset);
                    assertThat(polled.get(0).value()).isEqualTo(p0.get(offset).value());
                }
            }
        }
    }
}
