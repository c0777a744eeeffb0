package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatAndLeaveTest {
    private final GroupHarness harness = new GroupHarness();
    private final TestMember a = harness.consumer("a", "orders");
    private final TestMember b = harness.consumer("b", "orders");

    private void stableGroupOfAAndB() {
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of());
    }

    private Errors heartbeat(String groupId, String memberId, int generation) {
        return Errors.forCode(harness.coordinator.heartbeat(new HeartbeatRequestData().setGroupId(groupId)
                .setMemberId(memberId).setGenerationId(generation)).join().errorCode());
    }

    @Test
    void heartbeatErrors() {
        assertThat(heartbeat("", "m", 1)).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(heartbeat("no-such-group", "m", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        stableGroupOfAAndB();
        assertThat(heartbeat(GroupHarness.GROUP, "stranger", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat(GroupHarness.GROUP, a.memberId, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat(GroupHarness.GROUP, a.memberId, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void heartbeatsDuringCompletingRebalanceAreAccepted() {
        a.join();
        b.join();
        harness.advance(0);

        assertThat(b.heartbeat()).isEqualTo(Errors.NONE);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }

    @Test
    void aLeavingMemberTriggersARebalanceOfTheOthers() {
        stableGroupOfAAndB();

        LeaveGroupResponseData response = b.leave();

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode())).containsExactly(Errors.NONE);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(a.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoin = a.sendJoin().join();
        assertThat(rejoin.generationId()).isEqualTo(2);
        assertThat(rejoin.members()).hasSize(1);
    }

    @Test
    void whenTheLastMemberLeavesTheGroupIsEmptyWithABumpedGeneration() {
        a.joinNow();
        a.sync(Map.of());

        a.leave();

        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.EMPTY);
        // a simple (admin) commit is accepted now, a member commit of the old generation is not
        assertThat(harness.adminCommit(GroupHarness.GROUP, "orders", Map.of(0, 1L)).topics().get(0).partitions()
                .get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(harness.commit(GroupHarness.GROUP, 1, a.memberId, null, (short) 9, "orders", Map.of(0, 2L))
                .topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void leaveReportsUnknownMembersPerMember() {
        stableGroupOfAAndB();

        LeaveGroupResponseData response = harness.coordinator.leaveGroup(new LeaveGroupRequestData()
                .setGroupId(GroupHarness.GROUP).setMembers(List.of(
                        new MemberIdentity().setMemberId("stranger"),
                        new MemberIdentity().setMemberId(b.memberId))), (short) 3).join();

        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID, Errors.NONE);
        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(1);
    }

    @Test
    void leaveOfAnUnknownGroupIsUnknownMemberForEachMember() {
        LeaveGroupResponseData response = harness.coordinator.leaveGroup(new LeaveGroupRequestData()
                .setGroupId("nope").setMembers(List.of(new MemberIdentity().setMemberId("m"))), (short) 5).join();

        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void leaveV0NamesOneMemberById() {
        stableGroupOfAAndB();

        LeaveGroupResponseData response = harness.coordinator.leaveGroup(new LeaveGroupRequestData()
                .setGroupId(GroupHarness.GROUP).setMemberId(b.memberId), (short) 0).join();

        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode())).containsExactly(Errors.NONE);
        assertThat(harness.describe(GroupHarness.GROUP).members()).hasSize(1);
    }

    @Test
    void aMemberLeavingWhileItsJoinIsParkedGetsUnknownMemberAndTheRebalanceCompletesWithoutIt() {
        stableGroupOfAAndB();
        CompletableFuture<JoinGroupResponseData> parked = a.sendJoin();
        TestMember c = harness.consumer("c", "orders");
        CompletableFuture<JoinGroupResponseData> joinC = c.join();

        harness.coordinator.leaveGroup(new LeaveGroupRequestData().setGroupId(GroupHarness.GROUP).setMembers(List.of(
                new MemberIdentity().setMemberId(a.memberId))), (short) 5).join();
        b.sendJoin();

        assertThat(Errors.forCode(parked.join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(joinC.join().generationId()).isEqualTo(2);
        assertThat(joinC.join().leader()).isIn(b.memberId, c.memberId);
    }

    @Test
    void aPendingMemberCanLeave() {
        a.sessionTimeoutMs = 60_000;
        a.joinNow();
        a.sync(Map.of());
        TestMember late = harness.consumer("late", "orders");
        late.sendJoin(); // MEMBER_ID_REQUIRED: pending
        CompletableFuture<JoinGroupResponseData> leaderRejoin = a.sendJoin();
        assertThat(leaderRejoin).isNotDone();

        assertThat(late.leave().members().get(0).errorCode()).isEqualTo(Errors.NONE.code());

        assertThat(leaderRejoin).isDone();
        assertThat(leaderRejoin.join().generationId()).isEqualTo(2);
    }
}
