package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Static membership (KIP-345): {@code group.instance.id} survives restarts without rebalancing. */
class StaticMembershipTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final GroupHarness harness = new GroupHarness();
    private final TestMember a = harness.staticConsumer("client-a", "instance-a", "orders");
    private final TestMember b = harness.staticConsumer("client-b", "instance-b", "orders");

    private void stableGroupOfAAndB() {
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(P0), b.memberId, GroupHarness.assignment(P1)));
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void staticMembersJoinWithoutMemberIdRequiredAndTheirIdStartsWithTheInstanceId() {
        CompletableFuture<JoinGroupResponseData> join = a.sendJoin();
        harness.advance(0);

        assertThat(Errors.forCode(join.join().errorCode())).isEqualTo(Errors.NONE);
        assertThat(join.join().memberId()).startsWith("instance-a-");
        assertThat(join.join().members()).extracting(JoinGroupResponseMember::groupInstanceId)
                .containsExactly("instance-a");
    }

    @Test
    void aRestartedStaticMemberReplacesItsOldMemberIdWithoutARebalance() {
        stableGroupOfAAndB();
        String oldId = b.memberId;

        TestMember restarted = harness.staticConsumer("client-b", "instance-b", "orders");
        JoinGroupResponseData rejoin = restarted.sendJoin().join();

        assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin.memberId()).isNotEqualTo(oldId).startsWith("instance-b-");
        assertThat(rejoin.generationId()).isEqualTo(1);
        assertThat(rejoin.skipAssignment()).isFalse();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(GroupHarness.partitions(restarted.sync().join().assignment())).containsExactly(P1);
        assertThat(restarted.heartbeat()).isEqualTo(Errors.NONE);
        // the old incarnation is fenced
        assertThat(b.heartbeat()).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(Errors.forCode(b.sendJoin().join().errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(Errors.forCode(b.sync().join().errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void aRestartedStaticLeaderOnV9IsToldToSkipTheAssignment() {
        stableGroupOfAAndB();

        TestMember restarted = harness.staticConsumer("client-a", "instance-a", "orders");
        JoinGroupResponseData rejoin = restarted.sendJoin().join();

        assertThat(rejoin.leader()).isEqualTo(rejoin.memberId());
        assertThat(rejoin.skipAssignment()).isTrue();
        assertThat(rejoin.members()).hasSize(2);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void aRestartedStaticLeaderBeforeV9IsGivenTheOldLeaderIdSoItDoesNotAssign() {
        stableGroupOfAAndB();
        String oldLeader = a.memberId;

        TestMember restarted = harness.staticConsumer("client-a", "instance-a", "orders");
        restarted.joinVersion = 8;
        JoinGroupResponseData rejoin = restarted.sendJoin().join();

        assertThat(rejoin.leader()).isEqualTo(oldLeader).isNotEqualTo(rejoin.memberId());
        assertThat(rejoin.members()).isEmpty();
    }

    @Test
    void aStaticMemberRejoiningWithAnotherPreferenceRebalancesOnlyWhenTheChosenProtocolChanges() {
        List<String> rangeFirst = List.of("range", "roundrobin");
        List<String> roundRobinFirst = List.of("roundrobin", "range");
        TestMember x = new TestMember(harness, "x", "instance-x", GroupHarness.protocols(rangeFirst, "orders"));
        TestMember y = new TestMember(harness, "y", "instance-y", GroupHarness.protocols(rangeFirst, "orders"));
        TestMember z = new TestMember(harness, "z", "instance-z", GroupHarness.protocols(rangeFirst, "orders"));
        x.join();
        y.join();
        z.join();
        harness.advance(0);
        y.sync();
        z.sync();
        x.sync(Map.of());
        assertThat(x.lastJoin.protocolName()).isEqualTo("range");

        new TestMember(harness, "y", "instance-y", GroupHarness.protocols(roundRobinFirst, "orders")).sendJoin();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE); // range still has 2 of 3 votes

        new TestMember(harness, "z", "instance-z", GroupHarness.protocols(roundRobinFirst, "orders")).sendJoin();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    @Test
    void staticMembersThatDoNotRejoinStayInTheGroupWhileDynamicOnesAreDropped() {
        GroupHarness mixed = new GroupHarness();
        TestMember fixed = mixed.staticConsumer("s", "instance-s", "orders");
        TestMember dynamic = mixed.consumer("d", "orders");
        TestMember newcomer = mixed.consumer("n", "orders");
        fixed.sessionTimeoutMs = 60_000; // longer than the rebalance timeout: only the rebalance rule applies
        dynamic.sessionTimeoutMs = 60_000;
        fixed.join();
        dynamic.join();
        mixed.advance(0);
        dynamic.sync();
        fixed.sync(Map.of());

        CompletableFuture<JoinGroupResponseData> join = newcomer.join();
        mixed.advance(30_000); // the rebalance timeout: neither old member rejoined

        assertThat(join).isDone();
        assertThat(join.join().generationId()).isEqualTo(2);
        assertThat(join.join().leader()).isEqualTo(newcomer.memberId);
        assertThat(join.join().members()).extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(newcomer.memberId, fixed.memberId);
    }

    @Test
    void anAdminCanRemoveAStaticMemberByInstanceIdAlone() {
        stableGroupOfAAndB();

        LeaveGroupResponseData response = harness.coordinator.leaveGroup(new LeaveGroupRequestData()
                .setGroupId(GroupHarness.GROUP).setMembers(List.of(
                        new MemberIdentity().setMemberId("").setGroupInstanceId("instance-b"),
                        new MemberIdentity().setMemberId("").setGroupInstanceId("instance-unknown"))), (short) 4).join();

        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(1);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    @Test
    void leaveWithAFencedMemberIdIsRejected() {
        stableGroupOfAAndB();
        harness.staticConsumer("client-b", "instance-b", "orders").sendJoin();

        LeaveGroupResponseData response = b.leave();

        assertThat(Errors.forCode(response.members().get(0).errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void aParkedJoinOfAReplacedStaticMemberIsFenced() {
        stableGroupOfAAndB();
        CompletableFuture<JoinGroupResponseData> leaderRejoin = a.sendJoin(); // starts a rebalance, parked
        assertThat(leaderRejoin).isNotDone();

        TestMember restartedA = harness.staticConsumer("client-a", "instance-a", "orders");
        CompletableFuture<JoinGroupResponseData> replacement = restartedA.sendJoin();

        assertThat(Errors.forCode(leaderRejoin.join().errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(replacement).isNotDone();
        b.sendJoin();
        assertThat(replacement.join().generationId()).isEqualTo(2);
        assertThat(replacement.join().leader()).isEqualTo(restartedA.memberId);
    }
}
