package io.sluice.broker.compat;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeds' producer examples (fire-and-forget, synchronous send, asynchronous send with a Callback) and a
 * {@code KafkaConsumer} with {@code assign()} reading everything back, run unchanged against a Sluice broker with
 * only {@code bootstrap.servers} changed.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProducerConsumerCompatibilityTest {
    @TempDir
    static Path dataDir;
    private TestBroker broker;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir);
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void fireAndForgetSyncAndAsyncSendsAreReadBackInOrder() throws Exception {
        broker.createTopic("peter-basic01", 1, Map.of());
        List<String> sent = new ArrayList<>();
        ConcurrentLinkedQueue<RecordMetadata> callbacks = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = 0; i < 10; i++) {  // ProducerFireForgot
                String value = "Apache Kafka is a distributed streaming platform - " + i;
                producer.send(new ProducerRecord<>("peter-basic01", value));
                sent.add(value);
            }
            producer.flush();
            for (int i = 0; i < 3; i++) {  // ProducerSync
                String value = "sync - " + i;
                RecordMetadata metadata = producer.send(new ProducerRecord<>("peter-basic01", value)).get();
                assertThat(metadata.topic()).isEqualTo("peter-basic01");
                assertThat(metadata.partition()).isZero();
                assertThat(metadata.offset()).isEqualTo(10 + i);
                sent.add(value);
            }
            for (int i = 0; i < 3; i++) {  // ProducerAsync with a Callback
                String value = "async - " + i;
                producer.send(new ProducerRecord<>("peter-basic01", value), (metadata, e) -> {
                    assertThat(e).isNull();
                    callbacks.add(metadata);
                });
                sent.add(value);
            }
        }
        assertThat(callbacks).extracting(RecordMetadata::offset).containsExactly(13L, 14L, 15L);
        List<ConsumerRecord<String, String>> read = readAll("peter-basic01", 0, sent.size());
        assertThat(read).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
        assertThat(read).extracting(ConsumerRecord::offset).containsExactly(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void keysValuesHeadersAndTimestampsSurviveEachCodec(String codec) throws Exception {
        String topic = "codec-" + codec;
        broker.createTopic(topic, 1, Map.of());
        long baseTimestamp = System.currentTimeMillis() - 60_000;
        int count = 500;
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, 0, baseTimestamp + i,
                        "key-" + i, "value-" + i + "-" + "x".repeat(i % 50));
                record.headers().add(new RecordHeader("h", ("header-" + i).getBytes(StandardCharsets.UTF_8)));
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, 0, count);
        assertThat(read).hasSize(count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> record = read.get(i);
            assertThat(record.offset()).isEqualTo(i);
            assertThat(record.key()).isEqualTo("key-" + i);
            assertThat(record.value()).isEqualTo("value-" + i + "-" + "x".repeat(i % 50));
            assertThat(record.timestamp()).isEqualTo(baseTimestamp + i);
            assertThat(new String(record.headers().lastHeader("h").value(), StandardCharsets.UTF_8))
                    .isEqualTo("header-" + i);
        }
    }

    @Test
    void listOffsetsFindsEarliestLatestAndByTimestamp() throws Exception {
        String topic = "offsets-by-time";
        broker.createTopic(topic, 1, Map.of());
        long t0 = System.currentTimeMillis() - 100_000;
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, t0 + i * 1000L, null, "v" + i)).get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of())) {
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 100L);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, t0 + 42_500L));
            assertThat(found.get(tp).offset()).isEqualTo(43L);
            assertThat(found.get(tp).timestamp()).isEqualTo(t0 + 43_000L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, t0 + 1_000_000L)).get(tp)).isNull();
        }
    }

    private List<ConsumerRecord<String, String>> readAll(String topic, int partition, int expected) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, partition)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }
}
