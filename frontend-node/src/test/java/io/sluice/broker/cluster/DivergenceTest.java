package io.sluice.broker.cluster;

import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log divergence and truncation by leader epoch (KIP-101, KIP-279): a leader that appended records its followers
 * never fetched (past the high watermark) and then died must, when it returns as a follower, truncate them (asking
 * the new leader with OffsetForLeaderEpoch where its epoch ended) and copy the new leader's records, so that all
 * replicas end with identical batches. Compared on disk: per batch (base offset, last offset, partition leader
 * epoch, CRC) from every broker's {@code .log} files.
 *
 * <p>How the divergence is made: both followers are frozen (SIGSTOP), the leader takes {@code acks=1} writes that
 * therefore do not replicate, the leader is killed, the followers resume, one of them is elected (clean election:
 * both are still in the ISR) and takes new {@code acks=all} writes at the same offsets, then the old leader
 * restarts.
 */
@ExtendWith(EtcdExtension.class)
class DivergenceTest {
    private static final String TOPIC = "diverge";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int COMMITTED = 20;
    private static final int UNREPLICATED = 5;
    private static final int AFTER_FAILOVER = 10;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd) throws Exception {
        // the followers are frozen for about a second: well inside their etcd session and the lag limit
        cluster = SluiceCluster.builder(etcd, dir)
                .brokers(3)
                .sessionTimeoutMs(4_000)
                .replicaLagTimeMaxMs(10_000)
                .minInsyncReplicas(2)
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void returningLeaderTruncatesRecordsPastTheHighWatermark() throws Exception {
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
        PartitionState initial = cluster.partitionState(TOPIC, 0);
        int oldLeader = initial.leader();
        List<Integer> followers = new ArrayList<>(initial.replicas());
        followers.remove(Integer.valueOf(oldLeader));
        DeliveryChecker checker = new DeliveryChecker();

        sendAcksAll("c", COMMITTED, checker);
        List<ReplicaBatches.Batch> committed = awaitIdenticalReplicas(initial.replicas());
        assertThat(committed.get(committed.size() - 1).lastOffset()).isEqualTo(COMMITTED - 1);

        try (KafkaProducer<String, String> acksOne = cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000))) {
            assertThat(acksOne.partitionsFor(TOPIC)).hasSize(1); // metadata fetched while every broker answers
            for (int follower : followers) {
                cluster.pause(follower);
            }
            for (int i = 0; i < UNREPLICATED; i++) {
                SequencedValue value = new SequencedValue("u", i);
                checker.sentWithoutPromise(value, TP);
                RecordMetadata metadata = acksOne.send(new ProducerRecord<>(TOPIC, 0, null, value.encode()))
                        .get(10, TimeUnit.SECONDS);
                assertThat(metadata.offset()).isEqualTo(COMMITTED + i);
            }
        }
        List<ReplicaBatches.Batch> oldLeaderLog = ReplicaBatches.read(cluster.node(oldLeader).logDir(), TP);
        assertThat(oldLeaderLog.get(oldLeaderLog.size() - 1).lastOffset()).isEqualTo(COMMITTED + UNREPLICATED - 1);

        cluster.kill(oldLeader);
        for (int follower : followers) {
            cluster.resume(follower);
        }
        PartitionState elected = cluster.awaitNewLeader(TP, initial, Duration.ofSeconds(30));
        assertThat(elected.leader()).isIn(followers);
        assertThat(elected.isr()).doesNotContain(oldLeader);

        sendAcksAll("n", AFTER_FAILOVER, checker);
        List<ReplicaBatches.Batch> newLeaderLog = ReplicaBatches.read(cluster.node(elected.leader()).logDir(), TP);
        List<ReplicaBatches.Batch> divergent = new ArrayList<>(oldLeaderLog);
        divergent.removeAll(newLeaderLog);
        assertThat(divergent).as("the old leader's batches the new leader does not have (the scenario's "
                + "divergence): old leader %s, new leader %s", oldLeaderLog, newLeaderLog).isNotEmpty()
                .allSatisfy(b -> assertThat(b.baseOffset()).isGreaterThanOrEqualTo(COMMITTED));
        assertThat(newLeaderLog.get(newLeaderLog.size() - 1).lastOffset())
                .as("the new leader wrote over the divergent offsets")
                .isGreaterThanOrEqualTo(divergent.get(divergent.size() - 1).lastOffset());

        cluster.restart(oldLeader);
        PartitionState healed = cluster.awaitIsr(TP, initial.replicas(), Duration.ofSeconds(45));
        assertThat(healed.leader()).isEqualTo(elected.leader());
        List<ReplicaBatches.Batch> converged = awaitIdenticalReplicas(initial.replicas());
        assertThat(converged).as("the returning leader truncated its divergent batches").doesNotContainAnyElementsOf(
                divergent);
        assertThat(converged).startsWith(committed.toArray(ReplicaBatches.Batch[]::new));
        assertThat(converged.get(converged.size() - 1).partitionLeaderEpoch()).isEqualTo(elected.leaderEpoch());

        DeliveryReport report = checker.verify(PartitionReader.readAll(cluster, List.of(TP),
                Map.of(TP, checker.maxAcknowledgedOffset(TP).orElseThrow() + 1), Duration.ofSeconds(30)));
        assertThat(report.violations()).as("%s", report).isEmpty();
        assertThat(report.acknowledged()).isEqualTo(COMMITTED + AFTER_FAILOVER);
        assertThat(cluster.isrExpansionsOfUnregisteredBrokers(TOPIC))
                .as("ISR expansions that added a broker not registered in etcd (KIP-841 forbids them)").isEmpty();
    }

    /** Sends {@code count} values with acks=all from a new idempotent producer and waits for every acknowledgement. */
    private static void sendAcksAll(String producerName, int count, DeliveryChecker checker) throws Exception {
        try (KafkaProducer<String, String> producer = cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000))) {
            for (int i = 0; i < count; i++) {
                SequencedValue value = new SequencedValue(producerName, i);
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value.encode()), checker.sending(value, TP))
                        .get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until every replica's log holds the same, non-empty list of batches, and returns it. */
    private static List<ReplicaBatches.Batch> awaitIdenticalReplicas(List<Integer> replicas) {
        AtomicReference<String> lastSeen = new AtomicReference<>();
        AtomicReference<List<ReplicaBatches.Batch>> result = new AtomicReference<>();
        try {
            await("identical batches on brokers " + replicas).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        StringBuilder seen = new StringBuilder();
                        List<ReplicaBatches.Batch> reference = null;
                        boolean same = true;
                        for (int id : replicas) {
                            List<ReplicaBatches.Batch> batches = ReplicaBatches.read(cluster.node(id).logDir(), TP);
                            seen.append("\n  broker ").append(id).append(": ").append(batches);
                            if (reference == null) {
                                reference = batches;
                            } else if (!batches.equals(reference)) {
                                same = false;
                            }
                        }
                        lastSeen.set(seen.toString());
                        result.set(reference);
                        return same && !reference.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("replicas did not converge to identical batches:" + lastSeen.get(), e);
        }
        return result.get();
    }
}
