package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Offset retention (KIP-211, Kafka's {@code OffsetExpirationCondition}) on the manual clock: a retention of 60 s
 * checked every 10 s (checks at 10 s, 20 s, ... after the coordinator started).
 */
class OffsetExpiryTest {
    private static final long RETENTION_MS = 60_000;
    private static final long CHECK_MS = 10_000;
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition OLD_0 = new TopicPartition("old-topic", 0);

    private static GroupCoordinatorConfig config() {
        return GroupHarness.config().withOffsetsRetention(RETENTION_MS, CHECK_MS);
    }

    private final RecordingGroupStore stored = new RecordingGroupStore();
    private final GroupHarness harness = new GroupHarness(config(), new InMemoryOffsetStore(), stored);
    private final long startMs = harness.time.milliseconds();

    /** One consumer of {@code topics}, Stable in generation 1. */
    private TestMember stableMember(GroupHarness on, String... topics) {
        TestMember member = on.consumer("client-a", topics);
        member.joinNow();
        assertThat(member.sync(Map.of(member.memberId, GroupHarness.assignment(ORDERS_0))).join().errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(on.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        return member;
    }

    private static void commit(GroupHarness on, TestMember member, String topic, Map<Integer, Long> offsets) {
        OffsetCommitResponseData response = on.commit(GroupHarness.GROUP, member.generation, member.memberId, null,
                (short) 9, topic, offsets);
        response.topics().forEach(t -> t.partitions().forEach(p ->
                assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE)));
    }

    /** Keeps the member alive (heartbeats every 5 s, its session timeout is 10 s) until {@code untilMs}. */
    private static void heartbeatUntil(GroupHarness on, TestMember member, long untilMs) {
        while (on.time.milliseconds() < untilMs) {
            on.advance(Math.min(5_000, untilMs - on.time.milliseconds()));
            assertThat(member.heartbeat()).isEqualTo(Errors.NONE);
        }
    }

    private static void advanceTo(GroupHarness on, long atMs) {
        on.advance(atMs - on.time.milliseconds());
    }

    private static List<String> listed(GroupHarness on) {
        return on.coordinator.listGroups(new ListGroupsRequestData()).join().groups().stream()
                .map(ListedGroup::groupId).toList();
    }

    private Map<TopicPartition, CommittedOffset> committed(GroupHarness on, String groupId) {
        return on.store.fetch(groupId, Optional.empty());
    }

    /** The member leaves at {@code atMs}; the group becomes Empty then. */
    private static void leaveAt(GroupHarness on, TestMember member, long atMs) {
        heartbeatUntil(on, member, atMs);
        member.leave();
        on.advance(0);
        assertThat(on.state(GroupHarness.GROUP)).isEqualTo(GroupState.EMPTY);
    }

    @Test
    void anEmptyGroupsOffsetsExpireRetentionAfterItBecameEmptyNotBeforeAndTheGroupIsDeleted() {
        TestMember member = stableMember(harness, "orders");
        commit(harness, member, "orders", Map.of(0, 5L, 1, 7L));
        leaveAt(harness, member, startMs + 30_000);

        // 80 s after the commit but 50 s after the group became Empty: kept
        advanceTo(harness, startMs + 80_000);
        assertThat(committed(harness, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0, ORDERS_1);
        assertThat(listed(harness)).containsExactly(GroupHarness.GROUP);

        // the check 60 s after the group became Empty removes every offset and the group with them
        advanceTo(harness, startMs + 90_000);
        assertThat(committed(harness, GroupHarness.GROUP)).isEmpty();
        assertThat(harness.fetch(GroupHarness.GROUP, "orders", 0, 1)).containsValues(-1L, -1L);
        assertThat(listed(harness)).isEmpty();
        assertThat(harness.describe(GroupHarness.GROUP).groupState()).isEqualTo(GroupState.DEAD.toString());
        assertThat(harness.timer.pending()).containsExactly(GroupTimer.Key.offsetExpiry());
    }

    @Test
    void anActiveGroupKeepsItsSubscribedTopicsOffsetsAndLosesOthersRetentionAfterTheirCommit() {
        TestMember member = stableMember(harness, "orders");
        commit(harness, member, "orders", Map.of(0, 5L));
        commit(harness, member, "old-topic", Map.of(0, 9L));

        heartbeatUntil(harness, member, startMs + 55_000);
        assertThat(committed(harness, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0, OLD_0);

        heartbeatUntil(harness, member, startMs + 60_000);
        assertThat(committed(harness, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0);

        // a subscribed topic's offset never expires while the group is active
        heartbeatUntil(harness, member, startMs + 10 * RETENTION_MS);
        assertThat(committed(harness, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(listed(harness)).containsExactly(GroupHarness.GROUP);
    }

    @Test
    void aGroupWithoutMembersLosesEachOffsetRetentionAfterItsCommitAndIsDeletedWithTheLast() {
        harness.adminCommit("simple", "orders", Map.of(0, 3L));
        advanceTo(harness, startMs + 30_000);
        harness.adminCommit("simple", "orders", Map.of(1, 4L));

        advanceTo(harness, startMs + 60_000);
        assertThat(committed(harness, "simple")).containsOnlyKeys(ORDERS_1);
        assertThat(listed(harness)).containsExactly("simple");

        advanceTo(harness, startMs + 90_000);
        assertThat(committed(harness, "simple")).isEmpty();
        assertThat(listed(harness)).isEmpty();
    }

    @Test
    void anEmptyGroupWithoutOffsetsIsDeletedAtTheNextCheck() {
        TestMember member = stableMember(harness, "orders");
        leaveAt(harness, member, startMs + 1_000);
        assertThat(listed(harness)).containsExactly(GroupHarness.GROUP);

        advanceTo(harness, startMs + CHECK_MS);
        assertThat(listed(harness)).isEmpty();
    }

    @Test
    void theTimeTheGroupBecameEmptySurvivesACoordinatorFailover() {
        TestMember member = stableMember(harness, "orders");
        commit(harness, member, "orders", Map.of(0, 5L));
        leaveAt(harness, member, startMs + 30_000);
        assertThat(stored.last().isEmpty()).isTrue();
        assertThat(stored.last().currentStateTimestampMs()).isEqualTo(startMs + 30_000);

        // a new coordinator (same clock start) takes the group over 10 s later, with the group's committed offsets
        GroupHarness next = new GroupHarness(config(), new InMemoryOffsetStore(), new RecordingGroupStore());
        advanceTo(next, startMs + 40_000);
        next.store.commit(GroupHarness.GROUP, committed(harness, GroupHarness.GROUP)).join();
        assertThat(next.coordinator.onLoaded(List.of(stored.last()))).isDone();

        advanceTo(next, startMs + 80_000);
        assertThat(committed(next, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0);
        // 60 s after the group became Empty (not after the load, which would be 100 s)
        advanceTo(next, startMs + 90_000);
        assertThat(committed(next, GroupHarness.GROUP)).isEmpty();
        assertThat(listed(next)).isEmpty();
    }

    @Test
    void aLoadedEmptyGroupWithoutAStateTimestampFallsBackToTheCommitTimestamps() {
        GroupMetadata legacy = new GroupMetadata(GroupHarness.GROUP, Optional.of("consumer"), 3, Optional.empty(),
                Optional.empty(), -1, List.of());
        harness.store.commit(GroupHarness.GROUP, Map.of(ORDERS_0,
                new CommittedOffset(5, -1, "", startMs))).join();
        harness.coordinator.onLoaded(List.of(legacy)).join();

        advanceTo(harness, startMs + 50_000);
        assertThat(committed(harness, GroupHarness.GROUP)).containsOnlyKeys(ORDERS_0);
        advanceTo(harness, startMs + RETENTION_MS);
        assertThat(committed(harness, GroupHarness.GROUP)).isEmpty();
        assertThat(listed(harness)).isEmpty();
    }

    @Test
    void groupsOfOtherCoordinatorsAreLeftAlone() {
        harness.adminCommit("elsewhere", "orders", Map.of(0, 3L));
        harness.notOwned.add("elsewhere");

        advanceTo(harness, startMs + 2 * RETENTION_MS);
        assertThat(committed(harness, "elsewhere")).containsOnlyKeys(ORDERS_0);
    }

    @Test
    void brokerSettingsUseKafkasNamesAndDefaults() {
        GroupCoordinatorConfig defaults = GroupCoordinatorConfig.fromBrokerSettings(Map.of());
        assertThat(defaults.offsetsRetentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(defaults.offsetsRetentionCheckIntervalMs()).isEqualTo(600_000);

        GroupCoordinatorConfig set = GroupCoordinatorConfig.fromBrokerSettings(Map.of(
                "offsets.retention.minutes", "2", "offsets.retention.check.interval.ms", "1500"));
        assertThat(set.offsetsRetentionMs()).isEqualTo(120_000);
        assertThat(set.offsetsRetentionCheckIntervalMs()).isEqualTo(1_500);

        assertThat(GroupCoordinatorConfig.fromBrokerSettings(Map.of("offsets.retention.minutes", "2",
                "offsets.retention.ms", "750")).offsetsRetentionMs()).isEqualTo(750);
        assertThat(GroupCoordinatorConfig.KEYS).contains("offsets.retention.minutes",
                "offsets.retention.check.interval.ms", "offsets.retention.ms");

        assertThatThrownBy(() -> GroupCoordinatorConfig.fromBrokerSettings(Map.of("offsets.retention.minutes", "0")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> GroupCoordinatorConfig.fromBrokerSettings(Map.of(
                "offsets.retention.check.interval.ms", "0"))).isInstanceOf(ConfigException.class);
    }
}
