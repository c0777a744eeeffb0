package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the coordinator persists group metadata (Kafka's points in {@code GroupMetadataManager}): the leader's
 * SyncGroup (the answers wait for the durable write; a failed write is answered with Kafka's mapping and the group
 * rebalances), a group becoming Empty, and a static member rejoining under a new member id.
 */
class GroupMetadataPersistenceTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final RecordingGroupStore store = new RecordingGroupStore();
    private final GroupHarness harness = new GroupHarness(GroupHarness.config(), new InMemoryOffsetStore(), store);

    /** Two members joined generation 1; {@code a} leads. */
    private List<TestMember> joinedPair(TestMember a, TestMember b) {
        CompletableFuture<JoinGroupResponseData> joinA = a.join();
        CompletableFuture<JoinGroupResponseData> joinB = b.join();
        harness.advance(0);
        assertThat(joinA).isDone();
        assertThat(joinB).isDone();
        assertThat(a.isLeader()).isTrue();
        return List.of(a, b);
    }

    private void stablePair(TestMember a, TestMember b) {
        joinedPair(a, b);
        b.sync();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(P0), b.memberId, GroupHarness.assignment(P1)));
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void syncGroupIsAnsweredOnlyOnceTheGenerationIsDurable() {
        TestMember a = harness.consumer("client-a", "orders");
        TestMember b = harness.consumer("client-b", "orders");
        joinedPair(a, b);
        store.hold();

        CompletableFuture<SyncGroupResponseData> syncB = b.sync();
        CompletableFuture<SyncGroupResponseData> syncA = a.sync(Map.of(a.memberId, GroupHarness.assignment(P0),
                b.memberId, GroupHarness.assignment(P1)));

        assertThat(syncA).isNotDone();
        assertThat(syncB).isNotDone();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
        assertThat(a.heartbeat()).isEqualTo(Errors.NONE);
        OffsetCommitResponseData commit = harness.commit(GroupHarness.GROUP, 1, a.memberId, null, (short) 9,
                "orders", Map.of(0, 5L));
        assertThat(Errors.forCode(commit.topics().get(0).partitions().get(0).errorCode()))
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        GroupMetadata stored = store.last();
        assertThat(stored.groupId()).isEqualTo(GroupHarness.GROUP);
        assertThat(stored.generationId()).isEqualTo(1);
        assertThat(stored.protocolType()).contains("consumer");
        assertThat(stored.protocolName()).contains("range");
        assertThat(stored.leaderId()).contains(a.memberId);
        assertThat(stored.members()).extracting(GroupMetadata.Member::memberId).containsExactly(a.memberId, b.memberId);
        GroupMetadata.Member storedB = stored.members().get(1);
        assertThat(storedB.clientId()).isEqualTo("client-b");
        assertThat(storedB.clientHost()).isEqualTo("/127.0.0.1");
        assertThat(storedB.sessionTimeoutMs()).isEqualTo(b.sessionTimeoutMs);
        assertThat(storedB.rebalanceTimeoutMs()).isEqualTo(b.rebalanceTimeoutMs);
        assertThat(storedB.groupInstanceId()).isEmpty();
        assertThat(storedB.protocols()).containsExactly(new MemberProtocol("range", GroupHarness.subscription("orders")));
        assertThat(GroupHarness.partitions(storedB.assignment())).containsExactly(P1);

        store.completePending();

        assertThat(syncA).isDone();
        assertThat(syncB).isDone();
        assertThat(GroupHarness.partitions(syncA.join().assignment())).containsExactly(P0);
        assertThat(GroupHarness.partitions(syncB.join().assignment())).containsExactly(P1);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void membersTheLeaderLeftOutAreStoredWithAnEmptyAssignment() {
        TestMember a = harness.consumer("client-a", "orders");
        TestMember b = harness.consumer("client-b", "orders");
        joinedPair(a, b);

        b.sync();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(P0, P1)));

        assertThat(store.last().members().get(1).assignment()).isEmpty();
        assertThat(GroupHarness.partitions(store.last().members().get(0).assignment())).containsExactly(P0, P1);
    }

    static Stream<Arguments> failedWrites() {
        return Stream.of(
                Arguments.of(new NotEnoughReplicasException("isr too small"), Errors.COORDINATOR_NOT_AVAILABLE),
                Arguments.of(new TimeoutException("no ack in time"), Errors.COORDINATOR_NOT_AVAILABLE),
                Arguments.of(new NotLeaderOrFollowerException("moved"), Errors.NOT_COORDINATOR),
                Arguments.of(new RecordTooLargeException("too big"), Errors.UNKNOWN_SERVER_ERROR));
    }

    @ParameterizedTest
    @MethodSource("failedWrites")
    void aFailedWriteAnswersEverySyncWithKafkasMappingAndRebalances(Exception failure, Errors expected) {
        TestMember a = harness.consumer("client-a", "orders");
        TestMember b = harness.consumer("client-b", "orders");
        joinedPair(a, b);
        store.hold();
        CompletableFuture<SyncGroupResponseData> syncB = b.sync();
        CompletableFuture<SyncGroupResponseData> syncA = a.sync(Map.of(a.memberId, GroupHarness.assignment(P0),
                b.memberId, GroupHarness.assignment(P1)));

        store.failPending(failure);

        assertThat(Errors.forCode(syncA.join().errorCode())).isEqualTo(expected);
        assertThat(Errors.forCode(syncB.join().errorCode())).isEqualTo(expected);
        assertThat(syncB.join().assignment()).isEmpty();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(a.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void aWriteThatCompletesAfterTheGroupMovedOnChangesNothing() {
        TestMember a = harness.consumer("client-a", "orders");
        TestMember b = harness.consumer("client-b", "orders");
        joinedPair(a, b);
        store.hold();
        CompletableFuture<SyncGroupResponseData> syncA = a.sync(Map.of(a.memberId, GroupHarness.assignment(P0)));
        // a third member joins while the leader's assignment is being written: a new rebalance starts
        harness.consumer("client-c", "orders").join();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(Errors.forCode(syncA.join().errorCode())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        store.completePending();

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    @Test
    void aGroupWhoseMembersAllLeftIsStoredEmpty() {
        TestMember a = harness.consumer("client-a", "orders");
        TestMember b = harness.consumer("client-b", "orders");
        stablePair(a, b);

        a.leave();
        b.leave();

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.EMPTY);
        GroupMetadata stored = store.last();
        assertThat(stored.isEmpty()).isTrue();
        assertThat(stored.generationId()).isEqualTo(2);
        assertThat(stored.protocolType()).contains("consumer");
        assertThat(stored.protocolName()).isEmpty();
        assertThat(stored.leaderId()).isEmpty();
    }

    @Test
    void aStaticMemberRejoiningUnderANewIdIsAnsweredOnceTheNewIdIsStored() {
        TestMember a = harness.staticConsumer("client-a", "instance-a", "orders");
        TestMember b = harness.staticConsumer("client-b", "instance-b", "orders");
        stablePair(a, b);
        store.hold();

        TestMember restarted = harness.staticConsumer("client-b", "instance-b", "orders");
        CompletableFuture<JoinGroupResponseData> rejoin = restarted.sendJoin();

        assertThat(rejoin).isNotDone();
        GroupMetadata stored = store.last();
        GroupMetadata.Member storedB = stored.members().stream()
                .filter(m -> m.groupInstanceId().equals(Optional.of("instance-b"))).findFirst().orElseThrow();
        assertThat(storedB.memberId()).isNotEqualTo(b.memberId).startsWith("instance-b-");
        assertThat(GroupHarness.partitions(storedB.assignment())).containsExactly(P1);
        assertThat(stored.generationId()).isEqualTo(1);

        store.completePending();

        assertThat(Errors.forCode(rejoin.join().errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin.join().memberId()).isEqualTo(storedB.memberId());
        assertThat(rejoin.join().generationId()).isEqualTo(1);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(b.heartbeat()).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(restarted.heartbeat()).isEqualTo(Errors.NONE);
    }

    @Test
    void aStaticMemberWhoseNewIdCannotBeStoredIsRevertedToItsOldId() {
        TestMember a = harness.staticConsumer("client-a", "instance-a", "orders");
        TestMember b = harness.staticConsumer("client-b", "instance-b", "orders");
        stablePair(a, b);
        store.hold();

        TestMember restarted = harness.staticConsumer("client-b", "instance-b", "orders");
        CompletableFuture<JoinGroupResponseData> rejoin = restarted.sendJoin();
        String attemptedId = store.last().members().get(1).memberId();
        store.failPending(new NotEnoughReplicasException("isr too small"));

        assertThat(Errors.forCode(rejoin.join().errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(rejoin.join().memberId()).isEmpty();
        assertThat(b.heartbeat()).isEqualTo(Errors.NONE);
        restarted.memberId = attemptedId;
        assertThat(restarted.heartbeat()).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(GroupHarness.partitions(b.sync().join().assignment())).containsExactly(P1);
    }
}
