package io.sluice.broker.coordinator;

import io.sluice.broker.coordinator.ConsumerThread.Consumed;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer-group behaviour with real kafka-clients consumers ({@code subscribe()} with a {@code group.id}, the
 * classic protocol) against one in-process broker: Kafka's queue-plus-pub/sub model, one owner per partition,
 * members beyond the partition count idle, eviction of a crashed member after its session timeout, at-least-once
 * resumption from the last commit after a crash, static membership without rebalances, cooperative-sticky
 * incremental rebalances, and group membership surviving a broker restart.
 */
@ExtendWith(EtcdExtension.class)
class ConsumerGroupBehaviourTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static TestBroker broker;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void start(EtcdTestEnv etcd, @TempDir Path dir) throws Exception {
        // short session timeouts (Kafka's minimum is 6 s) keep the eviction tests quick
        broker = TestBroker.start(etcd, dir, Map.of("group.min.session.timeout.ms", "1000"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private ConsumerThread consumer(String name, String group, String topic, boolean commitSync,
                                    Map<String, Object> overrides) {
        ConsumerThread consumer = ConsumerThread.start(name,
                ConsumerThread.properties(broker.bootstrapServers(), group, overrides), List.of(topic), commitSync);
        toClose.add(consumer);
        return consumer;
    }

    private ConsumerThread consumer(String name, String group, String topic) {
        return consumer(name, group, topic, true, Map.of());
    }

    /** Writes {@code count} records with values {@code <topic>-<i>}, spread over the partitions by round robin. */
    private static List<String> produce(String topic, int partitions, int count) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of("linger.ms", 5))) {
            for (int i = 0; i < count; i++) {
                String value = topic + "-" + i;
                producer.send(new ProducerRecord<>(topic, i % partitions, null, value));
                values.add(value);
            }
            producer.flush();
        }
        return values;
    }

    private static Set<String> values(List<ConsumerThread> consumers) {
        return consumers.stream().flatMap(c -> c.consumed().stream()).map(Consumed::value).collect(Collectors.toSet());
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until the members agree on one generation, each partition of the topic is owned by exactly one of them,
     * and the coordinator describes the same Stable assignment.
     */
    private static void awaitOneOwnerPerPartition(String group, Set<TopicPartition> all, List<ConsumerThread> members) {
        await("every partition owned by exactly one of " + members).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    assertThat(members).extracting(ConsumerThread::generation).containsOnly(members.get(0).generation());
                    List<TopicPartition> owned = members.stream().flatMap(m -> m.assignment().stream()).toList();
                    assertThat(owned).containsExactlyInAnyOrderElementsOf(all);
                    ConsumerGroupDescription described = describe(group);
                    assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
                    assertThat(described.members()).extracting(MemberDescription::consumerId)
                            .containsExactlyInAnyOrderElementsOf(members.stream().map(ConsumerThread::memberId)
                                    .toList());
                    for (MemberDescription member : described.members()) {
                        ConsumerThread thread = members.stream().filter(m -> m.memberId().equals(member.consumerId()))
                                .findFirst().orElseThrow();
                        assertThat(member.assignment().topicPartitions()).isEqualTo(thread.assignment());
                    }
                });
    }

    @Test
    void twoGroupsOnOneTopicEachGetEveryRecord() throws Exception {
        broker.createTopic("pubsub", 3, Map.of());
        List<String> produced = produce("pubsub", 3, 300);

        List<ConsumerThread> groupA = List.of(consumer("a1", "pubsub-a", "pubsub"), consumer("a2", "pubsub-a", "pubsub"));
        List<ConsumerThread> groupB = List.of(consumer("b1", "pubsub-b", "pubsub"));

        await("both groups read every record").atMost(WAIT)
                .until(() -> values(groupA).size() == produced.size() && values(groupB).size() == produced.size());
        assertThat(values(groupA)).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(values(groupB)).containsExactlyInAnyOrderElementsOf(produced);
        await().atMost(WAIT).untilAsserted(() -> {
            for (String group : List.of("pubsub-a", "pubsub-b")) {
                try (Admin admin = broker.admin()) {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                            .as("committed by %s", group).isEqualTo(300);
                }
            }
        });
    }

    @Test
    void eachPartitionHasOneOwnerAndMembersBeyondThePartitionCountStayIdle() throws Exception {
        broker.createTopic("six", 6, Map.of());
        Set<TopicPartition> all = partitions("six", 6);
        List<ConsumerThread> members = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            members.add(consumer("m" + i, "six-group", "six"));
        }
        awaitOneOwnerPerPartition("six-group", all, members);
        assertThat(members).allSatisfy(m -> assertThat(m.assignment()).hasSize(2));

        for (int i = 4; i <= 7; i++) {
            int generationBefore = members.get(0).generation();
            members.add(consumer("m" + i, "six-group", "six"));
            awaitOneOwnerPerPartition("six-group", all, members);
            assertThat(members.get(0).generation()).as("member %d triggers a rebalance", i)
                    .isGreaterThan(generationBefore);
        }

        assertThat(members.stream().filter(m -> m.assignment().isEmpty()).count()).as("idle members of 7 on 6")
                .isEqualTo(1);
        assertThat(members.stream().filter(m -> m.assignment().size() == 1).count()).isEqualTo(6);
    }

    @Test
    void aMemberThatDiesWithoutLeavingIsEvictedAfterItsSessionTimeoutAndItsPartitionsMove() throws Exception {
        broker.createTopic("evict", 4, Map.of());
        Set<TopicPartition> all = partitions("evict", 4);
        ConsumerThread survivor = consumer("survivor", "evict-group", "evict");
        await().atMost(WAIT).until(() -> survivor.assignment().equals(all));
        int sessionTimeoutMs = 3_000;
        ChildConsumer doomed = ChildConsumer.start(broker.bootstrapServers(), "evict-group", "evict",
                sessionTimeoutMs, 100, 0);
        toClose.add(doomed);
        await("the child consumer owns two partitions").atMost(WAIT)
                .until(() -> doomed.assignment().size() == 2 && survivor.assignment().size() == 2);
        assertThat(describe("evict-group").members()).hasSize(2);

        doomed.kill();
        long killedAt = System.nanoTime();
        await("the survivor owns every partition again").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> survivor.assignment().equals(all));
        long movedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

        // no LeaveGroup: only the session timeout (minus at most one heartbeat interval) can remove it
        assertThat(movedAfterMs).isGreaterThanOrEqualTo(sessionTimeoutMs - sessionTimeoutMs / 10 - 500);
        ConsumerGroupDescription described = describe("evict-group");
        assertThat(described.members()).extracting(MemberDescription::consumerId).containsExactly(survivor.memberId());
    }

    @Test
    void afterAConsumerCrashTheNextConsumerResumesFromTheLastCommitAndSkipsNothing() throws Exception {
        broker.createTopic("crash", 3, Map.of());
        produce("crash", 3, 1_500);
        ChildConsumer crashing = ChildConsumer.start(broker.bootstrapServers(), "crash-group", "crash", 2_000, 20, 30);
        toClose.add(crashing);
        await("the child consumer commits a few times").atMost(WAIT).until(() -> crashing.commits() >= 5);
        crashing.kill();

        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = broker.admin()) {
            committed = admin.listConsumerGroupOffsets("crash-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<Integer, Set<Long>> processedByChild = crashing.consumedOffsets();
        assertThat(committed).isNotEmpty();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
            long commit = entry.getValue().offset();
            assertThat(processedByChild.getOrDefault(entry.getKey().partition(), Set.of()))
                    .as("a commit never runs ahead of processing in %s", entry.getKey())
                    .containsAll(LongRange.of(0, commit));
        }

        ConsumerThread next = consumer("next", "crash-group", "crash");
        await("the next consumer reads to the end").atMost(WAIT).until(() -> next.consumed().size()
                >= 1_500 - committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
        Map<Integer, List<Long>> readByNext = new HashMap<>();
        next.consumed().forEach(c -> readByNext.computeIfAbsent(c.partition().partition(), p -> new ArrayList<>())
                .add(c.offset()));
        for (int p = 0; p < 3; p++) {
            long commit = committed.getOrDefault(new TopicPartition("crash", p), new OffsetAndMetadata(0)).offset();
            assertThat(readByNext.getOrDefault(p, List.of())).as("partition %d resumes exactly at its last commit %d", p, commit)
                    .startsWith(commit).containsExactlyElementsOf(LongRange.of(commit, 500));
            Set<Long> everything = new HashSet<>(readByNext.getOrDefault(p, List.of()));
            everything.addAll(processedByChild.getOrDefault(p, Set.of()));
            assertThat(everything).as("partition %d: nothing skipped", p).containsAll(LongRange.of(0, 500));
        }
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        broker.createTopic("static", 2, Map.of());
        Map<String, Object> staticA = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
        Map<String, Object> staticB = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
        ConsumerThread a = consumer("a", "static-group", "static", true, staticA);
        ConsumerThread b = consumer("b", "static-group", "static", true, staticB);
        awaitOneOwnerPerPartition("static-group", partitions("static", 2), List.of(a, b));
        int generation = b.generation();
        Set<TopicPartition> partitionsOfA = a.assignment();
        int callbacksOfB = b.assignments().size() + b.revocations().size();

        a.close(); // a static member stays in the group when it closes (KIP-345)
        assertThat(describe("static-group").members()).hasSize(2);
        ConsumerThread restarted = consumer("a-again", "static-group", "static", true, staticA);

        await("the restarted instance owns its partitions again").atMost(WAIT)
                .until(() -> restarted.assignment().equals(partitionsOfA));
        assertThat(restarted.generation()).isEqualTo(generation);
        assertThat(b.generation()).isEqualTo(generation);
        assertThat(b.assignments().size() + b.revocations().size()).as("b saw no rebalance").isEqualTo(callbacksOfB);
        ConsumerGroupDescription described = describe("static-group");
        assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(described.members()).extracting(m -> m.groupInstanceId().orElseThrow())
                .containsExactlyInAnyOrder("instance-a", "instance-b");
    }

    @Test
    void cooperativeStickyMovesOnlyThePartitionsTheNewMemberTakes() throws Exception {
        broker.createTopic("coop", 6, Map.of());
        Set<TopicPartition> all = partitions("coop", 6);
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        ConsumerThread first = consumer("c1", "coop-group", "coop", true, cooperative);
        ConsumerThread second = consumer("c2", "coop-group", "coop", true, cooperative);
        awaitOneOwnerPerPartition("coop-group", all, List.of(first, second));
        Map<ConsumerThread, Set<TopicPartition>> before = Map.of(first, first.assignment(), second, second.assignment());
        int revocationsOfFirst = first.revocations().size();
        int revocationsOfSecond = second.revocations().size();
        int generation = first.generation();

        ConsumerThread third = consumer("c3", "coop-group", "coop", true, cooperative);
        awaitOneOwnerPerPartition("coop-group", all, List.of(first, second, third));

        assertThat(third.assignment()).hasSize(2);
        Set<TopicPartition> revoked = new HashSet<>();
        first.revocations().subList(revocationsOfFirst, first.revocations().size()).forEach(revoked::addAll);
        second.revocations().subList(revocationsOfSecond, second.revocations().size()).forEach(revoked::addAll);
        assertThat(revoked).as("only the partitions that moved were revoked").isEqualTo(third.assignment());
        for (Map.Entry<ConsumerThread, Set<TopicPartition>> kept : before.entrySet()) {
            assertThat(kept.getValue()).containsAll(kept.getKey().assignment());
        }
        // an incremental rebalance takes two generations: revoke, then assign
        assertThat(first.generation()).isGreaterThanOrEqualTo(generation + 2);
        assertThat(describe("coop-group").partitionAssignor()).isEqualTo("cooperative-sticky");
    }

    @Test
    void groupMembershipSurvivesABrokerRestart() throws Exception {
        broker.createTopic("restart", 2, Map.of());
        Map<String, Object> staticMember = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "restart-1",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 60_000);
        ConsumerThread member = consumer("r1", "restart-group", "restart", true, staticMember);
        awaitOneOwnerPerPartition("restart-group", partitions("restart", 2), List.of(member));
        String memberId = member.memberId();
        int generation = member.generation();
        member.close();

        broker.restart();

        await("the group is loaded again").atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            ConsumerGroupDescription described = describe("restart-group");
            assertThat(described.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(described.members()).extracting(MemberDescription::consumerId).containsExactly(memberId);
            assertThat(described.members().iterator().next().assignment().topicPartitions())
                    .isEqualTo(partitions("restart", 2));
        });
        ConsumerThread again = consumer("r1-again", "restart-group", "restart", true, staticMember);
        await().atMost(WAIT).until(() -> again.assignment().equals(partitions("restart", 2)));
        assertThat(again.generation()).as("the stored generation goes on").isEqualTo(generation);
    }

    /** Offsets {@code [from, to)} as a list. */
    private static final class LongRange {
        static List<Long> of(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long v = from; v < to; v++) {
                values.add(v);
            }
            return values;
        }
    }
}
