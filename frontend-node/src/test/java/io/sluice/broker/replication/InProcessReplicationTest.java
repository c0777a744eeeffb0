package io.sluice.broker.replication;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three brokers in one JVM replicating a topic: followers fetch from the leader and end with byte-identical
 * logs; the ISR shrinks when a follower stops and grows back when it returns; acks=all needs
 * {@code min.insync.replicas}.
 */
@ExtendWith(EtcdExtension.class)
class InProcessReplicationTest {
    private final List<TestBroker> brokers = new ArrayList<>();

    @AfterEach
    void stop() {
        brokers.forEach(TestBroker::close);
    }

    private TestBroker start(EtcdTestEnv etcd, Path dir, String namespace, int id) throws Exception {
        TestBroker broker = TestBroker.start(etcd, dir.resolve("b" + id), Map.of("node.id", Integer.toString(id),
                "etcd.namespace", namespace, "replica.lag.time.max.ms", "1500", "min.insync.replicas", "2",
                "default.replication.factor", "3", "auto.leader.rebalance.enable", "false"));
        brokers.add(broker);
        return broker;
    }

    @Test
    void followersReplicateAndTheIsrFollowsFollowerHealth(EtcdTestEnv etcd, @TempDir Path dir) throws Exception {
        String namespace = etcd.newNamespace();
        for (int id = 1; id <= 3; id++) {
            start(etcd, dir, namespace, id);
        }
        TestBroker first = brokers.get(0);
        try (Admin admin = first.admin()) {
            // one partition led by broker 1, followed by 2 and 3
            admin.createTopics(List.of(new NewTopic("replicated", Map.of(0, List.of(1, 2, 3)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> acksAll = Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = first.stringProducer(acksAll)) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>("replicated", 0, "k" + i, "v" + i));
            }
            producer.flush();
            assertThat(producer.send(new ProducerRecord<>("replicated", 0, "k", "last")).get().offset()).isEqualTo(500);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (TestBroker broker : brokers) {
                assertThat(batchesOf(broker, "replicated-0")).isEqualTo(batchesOf(first, "replicated-0"));
            }
        });

        // broker 3 stops: after replica.lag.time.max.ms it leaves the ISR, and acks=all works with 2 of 3
        brokers.get(2).close();
        await().atMost(Duration.ofSeconds(20)).until(() -> state(first).isr().equals(List.of(1, 2)));
        try (KafkaProducer<String, String> producer = first.stringProducer(acksAll)) {
            assertThat(producer.send(new ProducerRecord<>("replicated", 0, "k", "with two")).get().offset()).isEqualTo(501);
        }

        // broker 2 stops too: 1 of 3 is below min.insync.replicas=2
        brokers.get(1).close();
        await().atMost(Duration.ofSeconds(20)).until(() -> state(first).isr().equals(List.of(1)));
        // no retries, so the broker's answer reaches the test instead of a delivery timeout
        try (KafkaProducer<String, String> producer = first.stringProducer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("replicated", 0, "k", "with one")).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);
        }

        // both come back, catch up and rejoin the ISR
        brokers.set(1, restartOn(etcd, dir, namespace, 2));
        brokers.set(2, restartOn(etcd, dir, namespace, 3));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(first).isr().size() == 3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (TestBroker broker : brokers) {
                assertThat(batchesOf(broker, "replicated-0")).isEqualTo(batchesOf(first, "replicated-0"));
            }
        });
    }

    @Test
    void preferredLeaderElectionThroughTheAdminApiAndReplicationMetrics(EtcdTestEnv etcd, @TempDir Path dir)
            throws Exception {
        String namespace = etcd.newNamespace();
        for (int id = 1; id <= 3; id++) {
            start(etcd, dir, namespace, id);
        }
        TestBroker first = brokers.get(0);
        TopicPartition tp = new TopicPartition("preferred", 0);
        try (Admin admin = first.admin()) {
            admin.createTopics(List.of(new NewTopic("preferred", Map.of(0, List.of(2, 1, 3)))))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(first, tp).leader() == 2);

            brokers.get(1).close();   // the preferred leader stops: leadership moves to broker 1, the next in the ISR
            await().atMost(Duration.ofSeconds(20)).until(() -> state(first, tp).leader() == 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metric(first,
                    "sluice_partitions_under_replicated")).isEqualTo(1.0));

            brokers.set(1, restartOn(etcd, dir, namespace, 2));
            await().atMost(Duration.ofSeconds(30)).until(() -> state(first, tp).isr().size() == 3);
            assertThat(state(first, tp).leader()).isEqualTo(1);

            var result = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(30, TimeUnit.SECONDS);
            assertThat(result.get(tp)).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> state(first, tp).leader() == 2);
            var again = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(30, TimeUnit.SECONDS);
            assertThat(again.get(tp)).hasValueSatisfying(e -> assertThat(e).isInstanceOf(ElectionNotNeededException.class));
            assertThat(metric(first, "sluice_partitions_offline")).isZero();
        }
    }

    private static double metric(TestBroker broker, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(broker.httpUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private TestBroker restartOn(EtcdTestEnv etcd, Path dir, String namespace, int id) throws Exception {
        return TestBroker.start(etcd, dir.resolve("b" + id), Map.of("node.id", Integer.toString(id),
                "etcd.namespace", namespace, "replica.lag.time.max.ms", "1500", "min.insync.replicas", "2",
                "default.replication.factor", "3", "auto.leader.rebalance.enable", "false"));
    }

    private static PartitionState state(TestBroker broker) {
        return state(broker, new TopicPartition("replicated", 0));
    }

    private static PartitionState state(TestBroker broker, TopicPartition tp) {
        return broker.broker().metadataImage().partition(tp).orElseThrow();
    }

    /** Every batch in a partition directory as (base offset, last offset, CRC), in log order. */
    private static List<String> batchesOf(TestBroker broker, String partitionDir) throws Exception {
        Path dir = broker.logDir().resolve(partitionDir);
        List<String> batches = new ArrayList<>();
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        for (Path segment : segments) {
            try (FileRecords records = FileRecords.open(new File(segment.toString()), false)) {
                for (RecordBatch batch : records.batches()) {
                    batches.add(batch.baseOffset() + "-" + batch.lastOffset() + ":" + batch.checksum());
                }
            }
        }
        return batches;
    }
}
