package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS and resigning groups. */
class OwnershipTest {
    private final GroupHarness harness = new GroupHarness();

    @Test
    void requestsForGroupsOwnedElsewhereGetNotCoordinator() {
        harness.notOwned.add("elsewhere");
        TestMember member = harness.consumer("a", "orders");
        member.groupId = "elsewhere";

        assertThat(Errors.forCode(member.sendJoin().join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        member.sessionTimeoutMs = 1; // Kafka checks the session timeout before asking the coordinator runtime
        assertThat(Errors.forCode(member.sendJoin().join().errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(member.sync().join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(member.heartbeat()).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(member.leave().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(harness.adminCommit("elsewhere", "orders", Map.of(0, 1L)).topics().get(0).partitions().get(0)
                .errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(harness.coordinator.describeGroups(List.of("elsewhere"), (short) 5).join().get(0).errorCode())
                .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(harness.coordinator.deleteGroups(List.of("elsewhere")).join().find("elsewhere").errorCode())
                .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(harness.coordinator.deleteOffsets(new OffsetDeleteRequestData().setGroupId("elsewhere")).join()
                .errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(harness.store.groupsWithOffsets()).isEmpty();
    }

    @Test
    void loadingGroupsGetLoadInProgressButHeartbeatsAreAnsweredBlindly() {
        harness.loading.add("g");
        TestMember member = harness.consumer("a", "orders");
        member.groupId = "g";

        assertThat(Errors.forCode(member.sendJoin().join().errorCode())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(harness.adminCommit("g", "orders", Map.of(0, 1L)).topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(Errors.forCode(harness.coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g")
                .setMemberId("m").setGenerationId(1)).join().errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void listGroupsShowsOnlyOwnedLoadedGroups() {
        harness.adminCommit("mine", "orders", Map.of(0, 1L));
        harness.adminCommit("moving", "orders", Map.of(0, 1L));
        harness.adminCommit("loading", "orders", Map.of(0, 1L));
        harness.notOwned.add("moving");
        harness.loading.add("loading");

        assertThat(harness.coordinator.listGroups(new ListGroupsRequestData()).join().groups())
                .extracting(g -> g.groupId()).containsExactly("mine");
    }

    @Test
    void resigningAnswersParkedRequestsWithNotCoordinatorAndDropsMembersButKeepsOffsets() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);
        CompletableFuture<SyncGroupResponseData> parkedSync = b.sync();
        harness.adminCommit("other", "orders", Map.of(0, 4L));
        TestMember c = harness.consumer("c", "orders");
        c.groupId = "other";
        CompletableFuture<JoinGroupResponseData> parkedJoin = c.join();
        assertThat(parkedJoin).isNotDone();

        harness.coordinator.onResigned(groupId -> true).join();
        harness.notOwned.add(GroupHarness.GROUP);

        assertThat(Errors.forCode(parkedSync.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(parkedJoin.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(a.heartbeat()).isEqualTo(Errors.NOT_COORDINATOR);
        // only the coordinator-wide offset expiry check is left
        assertThat(harness.timer.pending()).containsExactly(GroupTimer.Key.offsetExpiry());
        assertThat(harness.fetch("other", "orders", 0).values()).containsExactly(4L);
        // "other" is still owned: its members rejoin from scratch
        assertThat(c.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        c.memberId = "";
        assertThat(c.joinNow().generationId()).isEqualTo(1);
    }

    @Test
    void resigningOnlyDropsTheMatchingGroups() {
        TestMember a = harness.consumer("a", "orders");
        a.joinNow();
        TestMember other = harness.consumer("o", "orders");
        other.groupId = "other";
        other.joinNow();

        harness.coordinator.onResigned("other"::equals).join();

        assertThat(harness.describe("other").groupState()).isEqualTo("Dead");
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }
}
