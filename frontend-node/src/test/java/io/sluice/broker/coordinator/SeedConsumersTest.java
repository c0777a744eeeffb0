package io.sluice.broker.coordinator;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The seeds' three consumer programs (auto commit with {@code auto.offset.reset} latest and earliest, commitSync,
 * commitAsync), with their own properties and only the bootstrap address changed, against one in-process broker:
 * subscribe() with a group.id joins the group, reads what the seeds' producer wrote, and commits offsets that a
 * restarted consumer of the same group resumes from.
 */
@ExtendWith(EtcdExtension.class)
class SeedConsumersTest {
    private static TestBroker broker;

    @BeforeAll
    static void start(EtcdTestEnv etcd, @TempDir Path dir) throws Exception {
        broker = TestBroker.start(etcd, dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** The seeds' consumer properties (ConsumerAuto), bootstrap address changed. */
    private static Properties seedProperties(String groupId, boolean autoCommit, String autoOffsetReset) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", groupId);
        props.put("enable.auto.commit", Boolean.toString(autoCommit));
        props.put("auto.offset.reset", autoOffsetReset);
        props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        return props;
    }

    private static void produce(String topic, int from, int count) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "Apache Kafka is a distributed streaming platform - " + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs the seeds' poll loop until {@code expected} records arrived, calling {@code afterPoll} after each poll. */
    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int expected,
                                                                  Consumer<KafkaConsumer<String, String>> afterPoll) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(1000))) {
                read.add(record);
            }
            afterPoll.accept(consumer);
            return read.size() >= expected;
        });
        return read;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String groupId) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void consumerAutoWithLatestReadsWhatIsProducedAfterItJoinedAndCommitsAutomatically() throws Exception {
        broker.createTopic("peter-basic01", 1, Map.of());
        produce("peter-basic01", 0, 5);
        TopicPartition tp = new TopicPartition("peter-basic01", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                seedProperties("peter-consumer01", true, "latest"))) {
            consumer.subscribe(List.of("peter-basic01"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200));
                return consumer.assignment().contains(tp) && consumer.position(tp) == 5;
            });
            produce("peter-basic01", 5, 10);
            List<ConsumerRecord<String, String>> read = pollUntil(consumer, 10, c -> { });
            assertThat(read).extracting(ConsumerRecord::offset).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L,
                    13L, 14L);
            assertThat(read.get(0).value()).isEqualTo("Apache Kafka is a distributed streaming platform - 5");
        }
        // close() commits the last position (auto commit)
        assertThat(committed("peter-consumer01").get(tp).offset()).isEqualTo(15);
    }

    @Test
    void consumerAutoWithEarliestReadsFromTheStartAndAnotherGroupReadsEverythingToo() throws Exception {
        broker.createTopic("seed-earliest", 3, Map.of());
        produce("seed-earliest", 0, 30);
        for (String group : List.of("pubsub-a", "pubsub-b")) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(seedProperties(group, true, "earliest"))) {
                consumer.subscribe(List.of("seed-earliest"));
                List<ConsumerRecord<String, String>> read = pollUntil(consumer, 30, c -> { });
                assertThat(read).hasSize(30);
                assertThat(read).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
            }
        }
        long total = committed("pubsub-a").values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertThat(total).isEqualTo(30);
    }

    @Test
    void consumerSyncCommitsAndARestartedConsumerResumesFromTheCommit() throws Exception {
        broker.createTopic("seed-sync", 1, Map.of());
        produce("seed-sync", 0, 20);
        TopicPartition tp = new TopicPartition("seed-sync", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                seedProperties("sync-group", false, "earliest"))) {
            consumer.subscribe(List.of("seed-sync"));
            pollUntil(consumer, 20, KafkaConsumer::commitSync);
        }
        assertThat(committed("sync-group").get(tp).offset()).isEqualTo(20);
        produce("seed-sync", 20, 5);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                seedProperties("sync-group", false, "earliest"))) {
            consumer.subscribe(List.of("seed-sync"));
            List<ConsumerRecord<String, String>> read = pollUntil(consumer, 5, KafkaConsumer::commitSync);
            assertThat(read).extracting(ConsumerRecord::offset).containsExactly(20L, 21L, 22L, 23L, 24L);
        }
        try (Admin admin = broker.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("sync-group"))
                    .describedGroups().get("sync-group").get(30, TimeUnit.SECONDS);
            assertThat(group.groupState()).isEqualTo(GroupState.EMPTY);
            assertThat(group.members()).isEmpty();
        }
    }

    @Test
    void consumerAsyncCommitsWithoutWaiting() throws Exception {
        broker.createTopic("seed-async", 1, Map.of());
        produce("seed-async", 0, 12);
        TopicPartition tp = new TopicPartition("seed-async", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                seedProperties("async-group", false, "earliest"))) {
            consumer.subscribe(List.of("seed-async"));
            pollUntil(consumer, 12, KafkaConsumer::commitAsync);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                consumer.commitAsync();
                return committed("async-group").getOrDefault(tp, new OffsetAndMetadata(0)).offset() == 12;
            });
        }
    }

    @Test
    void autoOffsetResetNoneWithoutACommitThrowsNoOffsetForPartition() throws Exception {
        broker.createTopic("seed-none", 1, Map.of());
        produce("seed-none", 0, 3);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(seedProperties("none-group", false, "none"))) {
            consumer.subscribe(List.of("seed-none"));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 30; i++) {
                    consumer.poll(Duration.ofMillis(500));
                }
            }).isInstanceOf(NoOffsetForPartitionException.class);
        }
    }
}
