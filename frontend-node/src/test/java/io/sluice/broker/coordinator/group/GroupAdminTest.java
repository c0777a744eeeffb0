package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** ListGroups, DescribeGroups and DeleteGroups. */
class GroupAdminTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    private final GroupHarness harness = new GroupHarness();

    private TestMember stableSingleMemberGroup(String groupId) {
        TestMember member = harness.consumer("client-" + groupId, "orders");
        member.groupId = groupId;
        member.joinNow();
        member.sync(Map.of(member.memberId, GroupHarness.assignment(P0)));
        return member;
    }

    private List<ListedGroup> list(ListGroupsRequestData request) {
        return harness.coordinator.listGroups(request).join().groups();
    }

    @Test
    void describeAStableGroupShowsMembersMetadataAndAssignment() {
        TestMember member = stableSingleMemberGroup("g");

        DescribedGroup group = harness.coordinator.describeGroups(List.of("g"), (short) 6).join().get(0);

        assertThat(group.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.protocolType()).isEqualTo("consumer");
        assertThat(group.protocolData()).isEqualTo("range");
        DescribedGroupMember described = group.members().get(0);
        assertThat(described.memberId()).isEqualTo(member.memberId);
        assertThat(described.clientId()).isEqualTo("client-g");
        assertThat(described.clientHost()).isEqualTo("/127.0.0.1");
        assertThat(ConsumerSubscriptions.topics(described.memberMetadata())).contains(java.util.Set.of("orders"));
        assertThat(GroupHarness.partitions(described.memberAssignment())).containsExactly(P0);
    }

    @Test
    void describeARebalancingGroupOmitsMemberMetadata() {
        TestMember member = stableSingleMemberGroup("g");
        member.sendJoin(); // the only member rejoins: a new generation, waiting for its SyncGroup

        DescribedGroup group = harness.describe("g");

        assertThat(group.groupState()).isEqualTo("CompletingRebalance");
        assertThat(group.protocolData()).isEmpty();
        assertThat(group.members().get(0).memberMetadata()).isEmpty();
    }

    @Test
    void anUnknownGroupIsDeadWithGroupIdNotFoundFromV6() {
        DescribedGroup v5 = harness.coordinator.describeGroups(List.of("ghost"), (short) 5).join().get(0);
        DescribedGroup v6 = harness.coordinator.describeGroups(List.of("ghost"), (short) 6).join().get(0);

        assertThat(v5.groupState()).isEqualTo("Dead");
        assertThat(v5.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(v6.groupState()).isEqualTo("Dead");
        assertThat(v6.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void aGroupWithOnlyCommittedOffsetsIsEmpty() {
        harness.adminCommit("offsets-only", "orders", Map.of(0, 42L));

        DescribedGroup group = harness.coordinator.describeGroups(List.of("offsets-only"), (short) 6).join().get(0);

        assertThat(group.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(group.groupState()).isEqualTo("Empty");
        assertThat(group.protocolType()).isEmpty();
        assertThat(group.members()).isEmpty();
        assertThat(list(new ListGroupsRequestData())).extracting(ListedGroup::groupId, ListedGroup::groupState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("offsets-only", "Empty"));
    }

    @Test
    void listShowsEveryGroupWithStateAndTypeAndFiltersByBoth() {
        stableSingleMemberGroup("stable");
        TestMember rebalancing = stableSingleMemberGroup("rebalancing");
        rebalancing.sendJoin();
        harness.adminCommit("simple", "orders", Map.of(0, 1L));

        assertThat(list(new ListGroupsRequestData()))
                .extracting(ListedGroup::groupId, ListedGroup::protocolType, ListedGroup::groupState,
                        ListedGroup::groupType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("rebalancing", "consumer", "CompletingRebalance", "classic"),
                        org.assertj.core.groups.Tuple.tuple("simple", "", "Empty", "classic"),
                        org.assertj.core.groups.Tuple.tuple("stable", "consumer", "Stable", "classic"));
        assertThat(list(new ListGroupsRequestData().setStatesFilter(List.of("stable", "EMPTY"))))
                .extracting(ListedGroup::groupId).containsExactly("simple", "stable");
        assertThat(list(new ListGroupsRequestData().setTypesFilter(List.of("consumer")))).isEmpty();
        assertThat(list(new ListGroupsRequestData().setTypesFilter(List.of("Classic")))).hasSize(3);
    }

    @Test
    void deletingAnEmptyGroupRemovesItAndItsCommittedOffsets() {
        TestMember member = stableSingleMemberGroup("g");
        harness.commit("g", 1, member.memberId, null, (short) 9, "orders", Map.of(0, 10L));
        member.leave();
        assertThat(harness.state("g")).isEqualTo(GroupState.EMPTY);

        DeletableGroupResult result = harness.coordinator.deleteGroups(List.of("g")).join().find("g");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(harness.store.fetch("g", Optional.empty())).isEmpty();
        assertThat(harness.describe("g").groupState()).isEqualTo("Dead");
        assertThat(list(new ListGroupsRequestData())).isEmpty();
    }

    @Test
    void deleteErrors() {
        stableSingleMemberGroup("busy");
        harness.adminCommit("simple", "orders", Map.of(0, 1L));

        var results = harness.coordinator.deleteGroups(List.of("busy", "ghost", "", "simple")).join();

        assertThat(Errors.forCode(results.find("busy").errorCode())).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(Errors.forCode(results.find("ghost").errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(Errors.forCode(results.find("").errorCode())).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(Errors.forCode(results.find("simple").errorCode())).isEqualTo(Errors.NONE);
        assertThat(harness.store.groupsWithOffsets()).isEmpty();
    }

    @Test
    void aDeletedGroupCanBeJoinedAgainFromGenerationOne() {
        TestMember member = stableSingleMemberGroup("g");
        member.leave();
        harness.coordinator.deleteGroups(List.of("g")).join();

        TestMember again = harness.consumer("again", "orders");
        again.groupId = "g";

        assertThat(again.joinNow().generationId()).isEqualTo(1);
    }
}
