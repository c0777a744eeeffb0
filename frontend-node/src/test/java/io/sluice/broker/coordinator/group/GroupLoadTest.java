package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator failover as {@link GroupCoordinator#onLoaded} sees it: the old coordinator ({@code before}) persisted
 * its group, a new coordinator ({@code after}, its own clock and timers) loads what was stored, and the members carry
 * on talking to the new one with the member ids and generation they had.
 */
class GroupLoadTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final RecordingGroupStore stored = new RecordingGroupStore();
    private final GroupHarness before = new GroupHarness(GroupHarness.config(), new InMemoryOffsetStore(), stored);
    private final GroupHarness after = new GroupHarness(GroupHarness.config(), new InMemoryOffsetStore(),
            new RecordingGroupStore());
    private final TestMember a = before.consumer("client-a", "orders");
    private final TestMember b = before.consumer("client-b", "orders");

    /** A Stable generation 1 of a (leader, P0) and b (P1) at the old coordinator. */
    private void stableGroupBeforeFailover() {
        a.join();
        b.join();
        before.advance(0);
        b.sync();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(P0), b.memberId, GroupHarness.assignment(P1)));
        assertThat(before.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    private void failover() {
        assertThat(after.coordinator.onLoaded(List.of(stored.last()))).isDone();
    }

    private static Errors commitError(OffsetCommitResponseData response) {
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    @Test
    void membersKeepTheirIdsAndGenerationAtTheNewCoordinator() {
        stableGroupBeforeFailover();
        failover();
        TestMember movedA = a.movedTo(after);
        TestMember movedB = b.movedTo(after);

        assertThat(movedA.heartbeat()).isEqualTo(Errors.NONE);
        assertThat(movedB.heartbeat()).isEqualTo(Errors.NONE);
        // the commit an old-generation consumer sends right after the failover (v9+ would be GROUP_ID_NOT_FOUND
        // for a group the coordinator does not know)
        assertThat(commitError(after.commit(GroupHarness.GROUP, 1, movedB.memberId, null, (short) 9, "orders",
                Map.of(1, 42L)))).isEqualTo(Errors.NONE);
        assertThat(after.fetch(GroupHarness.GROUP, "orders", 1)).containsEntry(P1, 42L);

        DescribedGroup described = after.describe(GroupHarness.GROUP);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members()).extracting(DescribedGroupMember::memberId)
                .containsExactly(a.memberId, b.memberId);
        assertThat(GroupHarness.partitions(described.members().get(1).memberAssignment())).containsExactly(P1);
        assertThat(GroupHarness.partitions(movedA.sync().join().assignment())).containsExactly(P0);
    }

    @Test
    void aFollowerRejoiningWithUnchangedMetadataCausesNoRebalance() {
        stableGroupBeforeFailover();
        failover();
        TestMember movedB = b.movedTo(after);

        JoinGroupResponseData rejoin = movedB.sendJoin().join();

        assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin.generationId()).isEqualTo(1);
        assertThat(rejoin.leader()).isEqualTo(a.memberId);
        assertThat(after.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void sessionTimersStartAtLoadTimeAndASilentMemberIsEvicted() {
        stableGroupBeforeFailover();
        // a long time passes at the new coordinator before it loads the group: no member has expired yet
        after.advance(60_000);
        failover();
        TestMember movedA = a.movedTo(after);
        TestMember movedB = b.movedTo(after);

        after.advance(b.sessionTimeoutMs - 1);
        assertThat(movedA.heartbeat()).isEqualTo(Errors.NONE);
        assertThat(movedB.heartbeat()).isEqualTo(Errors.NONE);
        after.advance(b.sessionTimeoutMs - 1);
        assertThat(movedA.heartbeat()).isEqualTo(Errors.NONE);
        after.advance(2);

        assertThat(after.describe(GroupHarness.GROUP).members()).extracting(DescribedGroupMember::memberId)
                .containsExactly(a.memberId);
        assertThat(after.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(movedA.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(movedB.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void anEmptyGroupIsLoadedEmptyAndAcceptsSimpleCommits() {
        stableGroupBeforeFailover();
        a.leave();
        b.leave();
        failover();

        assertThat(after.state(GroupHarness.GROUP)).isEqualTo(GroupState.EMPTY);
        List<ListedGroup> listed = after.coordinator.listGroups(new ListGroupsRequestData()).join().groups();
        assertThat(listed).extracting(ListedGroup::groupId, ListedGroup::protocolType, ListedGroup::groupState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(GroupHarness.GROUP, "consumer", "Empty"));
        assertThat(commitError(after.adminCommit(GroupHarness.GROUP, "orders", Map.of(0, 7L)))).isEqualTo(Errors.NONE);
        assertThat(commitError(after.commit(GroupHarness.GROUP, 1, a.memberId, null, (short) 9, "orders",
                Map.of(0, 8L)))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        TestMember newcomer = after.consumer("client-c", "orders");
        assertThat(newcomer.joinNow().generationId()).isEqualTo(3);
    }

    @Test
    void aLoadedGroupOverTheMaximumSizeRebalances() {
        GroupHarness small = new GroupHarness(GroupHarness.config().withMaxGroupSize(1), new InMemoryOffsetStore(),
                new RecordingGroupStore());
        stableGroupBeforeFailover();

        small.coordinator.onLoaded(List.of(stored.last())).join();

        assertThat(small.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(a.movedTo(small).heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void aLoadedGroupReplacesTheGroupInMemoryAndAnswersItsParkedRequests() {
        stableGroupBeforeFailover();
        TestMember stale = after.consumer("client-z", "orders");
        stale.rebalanceTimeoutMs = 60_000;
        TestMember other = after.consumer("client-y", "orders");
        stale.joinNow();
        CompletableFuture<JoinGroupResponseData> parked = other.join();
        assertThat(parked).isNotDone();

        failover();

        assertThat(Errors.forCode(parked.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(after.describe(GroupHarness.GROUP).members()).extracting(DescribedGroupMember::memberId)
                .containsExactly(a.memberId, b.memberId);
    }

    @Test
    void anInconsistentStoredGroupIsSkippedAndTheOthersAreLoaded() {
        GroupMetadata.Member member = new GroupMetadata.Member("m-1", Optional.empty(), "c", "/127.0.0.1", 30_000,
                10_000, List.of(new MemberProtocol("range", GroupHarness.subscription("orders"))), new byte[0]);
        GroupMetadata broken = new GroupMetadata("broken", Optional.of("consumer"), 3, Optional.of("roundrobin"),
                Optional.of("m-1"), 0L, List.of(member));
        GroupMetadata fine = new GroupMetadata("fine", Optional.of("consumer"), 3, Optional.of("range"),
                Optional.of("m-1"), 0L, List.of(member));

        after.coordinator.onLoaded(List.of(broken, fine)).join();

        assertThat(after.describe("broken").groupState()).isEqualTo("Dead");
        assertThat(after.state("fine")).isEqualTo(GroupState.STABLE);
    }
}
