package io.sluice.broker.coordinator;

import io.sluice.broker.cluster.ClusterDiagnostics;
import io.sluice.broker.cluster.DeliveryChecker;
import io.sluice.broker.cluster.SequencedValue;
import io.sluice.broker.cluster.SluiceCluster;
import io.sluice.broker.cluster.SteadyProducer;
import io.sluice.broker.coordinator.ConsumerThread.Consumed;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.GroupState;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer-group failover across broker processes (issue 5): three brokers, {@code __consumer_offsets} replicated
 * three ways with {@code min.insync.replicas=2}, a group of two consumers committing synchronously while a producer
 * writes. The group's coordinator (found with {@code Admin.describeConsumerGroups(...).coordinator()}) is killed with
 * SIGKILL; the group must carry on at the new coordinator within seconds with the same members and generation (the
 * group metadata was persisted), no commit may fail, no committed offset may go backwards, and every acknowledged
 * record must be consumed. Finally all three brokers restart and the committed offsets are still there.
 */
@ExtendWith(EtcdExtension.class)
class ConsumerGroupFailoverTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "orders-app";
    private static final int PARTITIONS = 4;
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd) throws Exception {
        cluster = SluiceCluster.builder(etcd, dir)
                .brokers(3)
                .minInsyncReplicas(2)
                .setting("offsets.topic.replication.factor", "3")
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingTheCoordinatorKeepsTheGroupAndItsCommittedOffsets() throws Exception {
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
        DeliveryChecker checker = new DeliveryChecker();
        SteadyProducer producer = SteadyProducer.start("acked", cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG,
                "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5)), TOPIC,
                PARTITIONS, checker, 1, Duration.ofMillis(5));
        List<ConsumerThread> members = new ArrayList<>();
        OffsetSampler sampler = null;
        try {
            for (String name : List.of("app-1", "app-2")) {
                members.add(ConsumerThread.start(name, ConsumerThread.properties(cluster.bootstrapServers(), GROUP,
                        Map.of()), List.of(TOPIC), true));
            }
            ConsumerGroupDescription stable = awaitStableGroupOf(members);
            await("consumption under way").atMost(RECOVERY).until(() -> consumedValues(members).size() >= 200);
            int coordinator = stable.coordinator().id();
            Set<String> memberIds = memberIds(stable);
            int generation = members.get(0).generation();
            sampler = OffsetSampler.start(cluster);
            sampler.sampleNow();
            Map<TopicPartition, Long> beforeKill = committed();
            assertThat(beforeKill).hasSize(PARTITIONS);

            cluster.kill(coordinator);
            long killedAt = System.nanoTime();

            AtomicReference<ConsumerGroupDescription> after = new AtomicReference<>();
            await("the group carries on at a new coordinator").atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().untilAsserted(() -> {
                        ConsumerGroupDescription described = describe();
                        assertThat(described.coordinator().id()).isNotEqualTo(coordinator);
                        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
                        Map<TopicPartition, Long> now = committed();
                        beforeKill.forEach((tp, offset) -> assertThat(now.get(tp)).as("commits resumed in %s", tp)
                                .isGreaterThan(offset));
                        after.set(described);
                    });
            System.err.printf("group %s recovered at coordinator %d %d ms after coordinator %d was killed%n", GROUP,
                    after.get().coordinator().id(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt),
                    coordinator);
            assertThat(memberIds(after.get())).as("the members kept their member ids").isEqualTo(memberIds);
            assertThat(members).extracting(ConsumerThread::generation).as("no rebalance").containsOnly(generation);
            sampler.sampleNow();

            producer.stop(Duration.ofSeconds(30));
            Set<SequencedValue> acknowledged = checker.acknowledgedValues();
            assertThat(acknowledged).hasSizeGreaterThan(200);
            await("every acknowledged record consumed").atMost(RECOVERY)
                    .until(() -> consumedValues(members).containsAll(acknowledged));
            for (ConsumerThread member : members) {
                assertThat(member.errors()).as("poll and commitSync errors of %s", member.name()).isEmpty();
            }
            sampler.stop();
            assertThat(sampler.backwards()).as("committed offsets that went backwards").isEmpty();
            assertThat(sampler.samples()).isGreaterThanOrEqualTo(2);

            cluster.restart(coordinator);
        } finally {
            producer.close();
            members.forEach(ConsumerThread::close);
            if (sampler != null) {
                sampler.stop();
            }
        }

        Map<TopicPartition, Long> finalCommits = committed();
        for (int nodeId : cluster.nodeIds()) {
            cluster.stop(nodeId);
        }
        for (int nodeId : cluster.nodeIds()) {
            cluster.restart(nodeId);
        }
        await("committed offsets after every broker restarted").atMost(RECOVERY).ignoreExceptions()
                .untilAsserted(() -> assertThat(committed()).isEqualTo(finalCommits));
        assertThat(describe().groupState()).isEqualTo(GroupState.EMPTY);
    }

    private static ConsumerGroupDescription awaitStableGroupOf(List<ConsumerThread> members) {
        AtomicReference<ConsumerGroupDescription> stable = new AtomicReference<>();
        await("a Stable group of " + members).atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
            ConsumerGroupDescription described = describe();
            assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(memberIds(described)).isEqualTo(members.stream().map(ConsumerThread::memberId)
                    .collect(Collectors.toSet()));
            assertThat(members).allSatisfy(m -> assertThat(m.assignment()).hasSize(PARTITIONS / 2));
            stable.set(described);
        });
        return stable.get();
    }

    private static ConsumerGroupDescription describe() throws Exception {
        return cluster.admin().describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                .get(15, TimeUnit.SECONDS);
    }

    private static Set<String> memberIds(ConsumerGroupDescription group) {
        return group.members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> committed() throws Exception {
        return offsets(cluster.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                .get(15, TimeUnit.SECONDS));
    }

    private static Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                offsets.put(tp, o.offset());
            }
        });
        return offsets;
    }

    private static Set<SequencedValue> consumedValues(List<ConsumerThread> members) {
        return members.stream().flatMap(m -> m.consumed().stream()).map(Consumed::value)
                .flatMap(v -> SequencedValue.parse(v).stream()).collect(Collectors.toSet());
    }

    /**
     * Reads the group's committed offsets through Admin every 200 ms (calls that fail during the failover are
     * skipped) and records every partition whose committed offset was ever lower than in an earlier sample.
     */
    private static final class OffsetSampler {
        private final SluiceCluster cluster;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Map<TopicPartition, Long> highest = new ConcurrentHashMap<>();
        private final List<String> backwards = Collections.synchronizedList(new ArrayList<>());
        private volatile int samples;

        private OffsetSampler(SluiceCluster cluster) {
            this.cluster = cluster;
        }

        static OffsetSampler start(SluiceCluster cluster) {
            OffsetSampler sampler = new OffsetSampler(cluster);
            sampler.timer.scheduleWithFixedDelay(sampler::sample, 0, 200, TimeUnit.MILLISECONDS);
            return sampler;
        }

        private void sample() {
            Map<TopicPartition, Long> now;
            try {
                now = offsets(cluster.admin().listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                return;
            }
            samples++;
            now.forEach((tp, offset) -> {
                Long before = highest.get(tp);
                if (before != null && offset < before) {
                    backwards.add(tp + ": " + before + " -> " + offset);
                }
                highest.merge(tp, offset, Math::max);
            });
        }

        /** Takes a sample now (on the sampler's thread, in order with the periodic ones). */
        void sampleNow() throws Exception {
            timer.submit(this::sample).get(30, TimeUnit.SECONDS);
        }

        int samples() {
            return samples;
        }

        List<String> backwards() {
            synchronized (backwards) {
                return List.copyOf(backwards);
            }
        }

        void stop() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
