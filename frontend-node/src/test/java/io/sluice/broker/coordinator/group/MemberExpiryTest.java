package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Session timeouts, rebalance timeouts and the other timers that remove members. */
class MemberExpiryTest {
    private final GroupHarness harness = new GroupHarness();
    private final TestMember a = harness.consumer("a", "orders");
    private final TestMember b = harness.consumer("b", "orders");

    private void stableGroupOfAAndB() {
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of());
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void heartbeatsKeepMembersAlive() {
        stableGroupOfAAndB();

        for (int i = 0; i < 10; i++) {
            harness.advance(9_000);
            assertThat(a.heartbeat()).isEqualTo(Errors.NONE);
            assertThat(b.heartbeat()).isEqualTo(Errors.NONE);
        }

        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(2);
    }

    @Test
    void aMemberWithoutHeartbeatsIsRemovedAfterItsSessionTimeoutAndTheGroupRebalances() {
        stableGroupOfAAndB();

        harness.advance(6_000);
        assertThat(a.heartbeat()).isEqualTo(Errors.NONE);
        harness.advance(3_999);
        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(2);
        harness.advance(1); // b's session (10 s) ends

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(harness.describe(GroupHarness.GROUP).members()).extracting(m -> m.memberId())
                .containsExactly(a.memberId);
        assertThat(a.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(b.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        JoinGroupResponseData rejoin = a.sendJoin().join();
        assertThat(rejoin.generationId()).isEqualTo(2);
        assertThat(rejoin.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(a.memberId);
    }

    @Test
    void theRebalanceTimeoutDropsMembersThatDoNotRejoin() {
        a.sessionTimeoutMs = 60_000;
        b.sessionTimeoutMs = 60_000;
        stableGroupOfAAndB();
        TestMember c = harness.consumer("c", "orders");

        CompletableFuture<JoinGroupResponseData> joinC = c.join();
        CompletableFuture<JoinGroupResponseData> rejoinA = a.sendJoin();
        harness.advance(29_999);
        assertThat(joinC).isNotDone();
        harness.advance(1); // the rebalance timeout (30 s, the largest of the members') ends

        assertThat(joinC).isDone();
        assertThat(rejoinA.join().generationId()).isEqualTo(2);
        assertThat(rejoinA.join().members()).extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a.memberId, c.memberId);
        assertThat(b.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aHandedOutMemberIdThatNeverJoinsHoldsTheRebalanceOnlyUntilItsSessionTimeout() {
        a.sessionTimeoutMs = 60_000;
        a.joinNow();
        a.sync(Map.of());
        TestMember late = harness.consumer("late", "orders");
        assertThat(Errors.forCode(late.sendJoin().join().errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);

        CompletableFuture<JoinGroupResponseData> leaderRejoin = a.sendJoin();
        assertThat(leaderRejoin).isNotDone(); // waiting for the pending member id

        harness.advance(10_000); // the pending member's session timeout

        assertThat(leaderRejoin).isDone();
        assertThat(leaderRejoin.join().generationId()).isEqualTo(2);
        assertThat(leaderRejoin.join().members()).hasSize(1);
    }

    @Test
    void membersThatSendNoSyncGroupWithinTheRebalanceTimeoutAreRemoved() {
        a.sessionTimeoutMs = 60_000;
        b.sessionTimeoutMs = 60_000;
        a.join();
        b.join();
        harness.advance(0);
        a.sync(Map.of()); // the leader syncs, b never does
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);

        harness.advance(30_000);

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(harness.describe(GroupHarness.GROUP).members()).extracting(m -> m.memberId())
                .containsExactly(a.memberId);
    }

    @Test
    void aMemberWaitingInJoinGroupIsNotExpiredByItsSessionTimeout() {
        a.sessionTimeoutMs = 10_000;
        b.sessionTimeoutMs = 60_000;
        b.rebalanceTimeoutMs = 50_000;
        stableGroupOfAAndB();

        CompletableFuture<JoinGroupResponseData> rejoinA = a.sendJoin(); // a is the leader: rebalance, a parked
        harness.advance(20_000); // longer than a's session, b still heartbeats
        assertThat(b.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        assertThat(rejoinA).isNotDone();
        b.sendJoin();
        assertThat(rejoinA.join().generationId()).isEqualTo(2);
    }

    @Test
    void aCommitFromAMemberResetsItsSessionTimer() {
        stableGroupOfAAndB();

        harness.advance(9_000);
        assertThat(a.heartbeat()).isEqualTo(Errors.NONE);
        harness.commit(GroupHarness.GROUP, 1, b.memberId, null, (short) 9, "orders", Map.of(0, 5L));
        harness.advance(9_000);

        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(2);
    }

    @Test
    void whenTheLastMemberExpiresTheGroupBecomesEmptyWithANewGeneration() {
        a.joinNow();
        a.sync(Map.of());

        harness.advance(10_000);

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.EMPTY);
        assertThat(harness.describe(GroupHarness.GROUP).members()).isEmpty();
        assertThat(a.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aNewMemberParkedTooLongInJoinGroupIsDropped() {
        GroupHarness slow = new GroupHarness(GroupHarness.config().withNewMemberJoinTimeoutMs(5_000));
        TestMember leader = slow.consumer("a", "orders");
        leader.sessionTimeoutMs = 60_000;
        leader.joinNow();
        leader.sync(Map.of());
        leader.heartbeat();
        TestMember newcomer = slow.consumer("n", "orders");
        newcomer.rebalanceTimeoutMs = 40_000;

        CompletableFuture<JoinGroupResponseData> join = newcomer.join(); // the leader does not rejoin
        slow.advance(5_000);

        assertThat(Errors.forCode(join.join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }
}
