package io.sluice.broker.cluster;

import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.producer.ProducerConfig;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader failover under steady load, the promise of issue 3: with replication factor 3,
 * {@code min.insync.replicas=2}, {@code acks=all}, idempotent producers and no unclean election, no acknowledged
 * record is lost, duplicated or reordered while one replica at a time fails (Kafka's guarantee, as in its
 * replication design notes and KIP-101/KIP-279/KIP-966).
 *
 * <p>Each test writes steadily with two idempotent producers to a 6-partition topic and, in 5 rounds, takes out the
 * leader of partition 0, 1, 2, ... in turn; before the next round the broker is back in every ISR and leadership has
 * returned to the preferred replicas ({@code auto.leader.rebalance.enable}), so each round hits a different leader.
 * A {@link DeliveryChecker} then reads every partition back.
 */
@ExtendWith(EtcdExtension.class)
class FailoverTest {
    private static final int PARTITIONS = 6;
    private static final int ROUNDS = 5;
    private static final Duration FAILOVER = Duration.ofSeconds(20);
    private static final Duration REJOIN = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd) throws Exception {
        cluster = SluiceCluster.builder(etcd, dir)
                .brokers(3)
                .sessionTimeoutMs(2_000)
                .replicaLagTimeMaxMs(10_000)
                .minInsyncReplicas(2)
                .autoLeaderRebalance(true, 1)
                .setting("leader.imbalance.check.interval.ms", "500") // Sluice's test override of the seconds
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** SIGKILL the leader, wait for a new one, restart the killed broker and wait until it is back in every ISR. */
    @Test
    void killingLeadersLosesNoAcknowledgedRecord() throws Exception {
        runRounds("killed", (topic, leader) -> {
            cluster.kill(leader);
            return () -> cluster.restart(leader);
        });
    }

    /**
     * SIGSTOP the leader past its etcd lease so it is replaced, then SIGCONT: the old leader wakes up still believing
     * it leads, with produce requests in its sockets. It must not acknowledge anything after it was replaced; the
     * checker would see such a record missing, or at an offset that names another record.
     */
    @Test
    void pausedLeaderAcknowledgesNothingAfterItWasReplaced() throws Exception {
        runRounds("paused", (topic, leader) -> {
            cluster.pause(leader);
            return () -> cluster.resume(leader);
        });
    }

    /** A fault applied to a leader; returns how to undo it once a new leader is in place. */
    @FunctionalInterface
    private interface Fault {
        Undo apply(String topic, int leader) throws Exception;
    }

    @FunctionalInterface
    private interface Undo {
        void run() throws Exception;
    }

    private void runRounds(String topic, Fault fault) throws Exception {
        cluster.createTopic(topic, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        DeliveryChecker checker = new DeliveryChecker();
        List<SteadyProducer> producers = new ArrayList<>();
        try {
            for (String name : List.of("a", "b")) {
                producers.add(SteadyProducer.start(name, cluster.producer(idempotentAcksAll()), topic, PARTITIONS,
                        checker, 1, Duration.ofMillis(10)));
            }
            awaitProgress(checker, 100);
            for (int round = 0; round < ROUNDS; round++) {
                TopicPartition target = new TopicPartition(topic, round % PARTITIONS);
                int leader = cluster.awaitLeader(topic, target.partition()).leader();
                Map<TopicPartition, PartitionState> ledBefore = new LinkedHashMap<>();
                for (TopicPartition tp : cluster.partitionsLedBy(leader, topic)) {
                    ledBefore.put(tp, cluster.image().partition(tp).orElseThrow());
                }

                long roundStart = System.nanoTime();
                Undo undo = fault.apply(topic, leader);
                for (Map.Entry<TopicPartition, PartitionState> entry : ledBefore.entrySet()) {
                    PartitionState after = cluster.awaitNewLeader(entry.getKey(), entry.getValue(), FAILOVER);
                    assertThat(after.isr()).as("round %d: ISR of %s after its leader %d was %s", round,
                            entry.getKey(), leader, topic).doesNotContain(leader);
                }
                long failedOver = System.nanoTime();
                awaitProgress(checker, 100);

                undo.run();
                cluster.awaitPreferredLeaders(topic, REJOIN);
                awaitProgress(checker, 100);
                System.err.printf("%s round %d: broker %d (led %s) %s; new leaders after %d ms, back in every ISR "
                                + "and leading again after %d ms; %d acknowledged, %d failed%n", topic, round, leader,
                        ledBefore.keySet(), topic, millisSince(roundStart) - millisSince(failedOver),
                        millisSince(roundStart), checker.acknowledgedCount(), checker.failedCount());
            }
            for (SteadyProducer producer : producers) {
                producer.stop(Duration.ofSeconds(150));
            }
        } finally {
            for (SteadyProducer producer : producers) {
                producer.close();
            }
        }
        cluster.awaitFullIsr(topic);

        Map<TopicPartition, Long> minimumEnd = new HashMap<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            partitions.add(tp);
            checker.maxAcknowledgedOffset(tp).ifPresent(max -> minimumEnd.put(tp, max + 1));
        }
        DeliveryReport report = checker.verify(PartitionReader.readAll(cluster, partitions, minimumEnd,
                Duration.ofSeconds(60)));

        assertThat(report.violations()).as("delivery after %d rounds of %s leaders: %s", ROUNDS, topic, report)
                .isEmpty();
        assertThat(report.acknowledged()).as("acknowledged records").isGreaterThan(1_000);
        assertThat(report.failedCount())
                .as("sends that failed although every failover took seconds and delivery.timeout.ms is 120 s: %s",
                        checker.sampleFailures(10))
                .isZero();
        assertThat(cluster.isrExpansionsOfUnregisteredBrokers(topic))
                .as("ISR expansions that added a broker not registered in etcd (KIP-841 forbids them)").isEmpty();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Waits until at least {@code records} more sends were acknowledged: the cluster accepts writes. */
    private static void awaitProgress(DeliveryChecker checker, long records) {
        long target = checker.acknowledgedCount() + records;
        await("another " + records + " acknowledged records (failed so far: " + checker.failuresByType() + ")")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> checker.acknowledgedCount() >= target);
    }

    private static Map<String, Object> idempotentAcksAll() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return props;
    }
}
