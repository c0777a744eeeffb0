package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class JoinSyncTest {
    private final GroupHarness harness = new GroupHarness();

    @Test
    void firstJoinOnV4PlusGetsMemberIdRequiredWithGeneratedId() {
        TestMember member = harness.consumer("client-a", "orders");

        JoinGroupResponseData first = member.sendJoin().join();

        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-a-").hasSize("client-a-".length() + 36);
        assertThat(first.generationId()).isEqualTo(-1);
    }

    @Test
    void joinBelowV4IsAddedWithoutMemberIdRequired() {
        TestMember member = harness.consumer("client-a", "orders");
        member.joinVersion = 3;

        CompletableFuture<JoinGroupResponseData> join = member.sendJoin();
        harness.advance(0);

        assertThat(join).isDone();
        assertThat(Errors.forCode(join.join().errorCode())).isEqualTo(Errors.NONE);
        assertThat(join.join().memberId()).startsWith("client-a-");
        assertThat(join.join().generationId()).isEqualTo(1);
    }

    @Test
    void singleMemberBecomesLeaderOfGenerationOneAndGetsItsAssignment() {
        TestMember member = harness.consumer("client-a", "orders");

        JoinGroupResponseData joined = member.joinNow();

        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(member.memberId);
        assertThat(joined.protocolType()).isEqualTo("consumer");
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(member.memberId);
        assertThat(ConsumerSubscriptions.topics(joined.members().get(0).metadata())).contains(java.util.Set.of("orders"));
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);

        byte[] assignment = GroupHarness.assignment(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        SyncGroupResponseData synced = member.sync(Map.of(member.memberId, assignment)).join();

        assertThat(Errors.forCode(synced.errorCode())).isEqualTo(Errors.NONE);
        assertThat(GroupHarness.partitions(synced.assignment()))
                .containsExactly(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        assertThat(synced.protocolName()).isEqualTo("range");
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(member.heartbeat()).isEqualTo(Errors.NONE);
    }

    @Test
    void initialRebalanceDelayCollectsThreeMembersIntoOneGeneration() {
        GroupHarness delayed = new GroupHarness(GroupHarness.config().withInitialRebalanceDelayMs(100));
        TestMember a = delayed.consumer("a", "orders");
        TestMember b = delayed.consumer("b", "orders");
        TestMember c = delayed.consumer("c", "orders");

        CompletableFuture<JoinGroupResponseData> joinA = a.join();
        delayed.advance(30);
        CompletableFuture<JoinGroupResponseData> joinB = b.join();
        CompletableFuture<JoinGroupResponseData> joinC = c.join();
        delayed.advance(69);
        assertThat(List.of(joinA, joinB, joinC)).noneMatch(CompletableFuture::isDone);

        delayed.advance(1); // the first delay ends, but members were added: the delay is extended once
        assertThat(joinA).isNotDone();
        delayed.advance(100);

        assertThat(List.of(joinA, joinB, joinC)).allMatch(CompletableFuture::isDone);
        assertThat(List.of(joinA.join(), joinB.join(), joinC.join()))
                .allSatisfy(r -> {
                    assertThat(r.generationId()).isEqualTo(1);
                    assertThat(r.leader()).isEqualTo(a.memberId);
                });
        assertThat(joinA.join().members()).extracting(JoinGroupResponseMember::memberId)
                .containsExactlyInAnyOrder(a.memberId, b.memberId, c.memberId);
        assertThat(joinB.join().members()).isEmpty();
        assertThat(joinC.join().members()).isEmpty();
    }

    @Test
    void leaderAssignmentIsDistributedToParkedFollowers() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        CompletableFuture<JoinGroupResponseData> joinA = a.join();
        CompletableFuture<JoinGroupResponseData> joinB = b.join();
        harness.advance(0);
        assertThat(joinA.join().generationId()).isEqualTo(1);
        assertThat(joinB.join().generationId()).isEqualTo(1);

        CompletableFuture<SyncGroupResponseData> followerSync = b.sync();
        assertThat(followerSync).isNotDone();

        TopicPartition p0 = new TopicPartition("orders", 0);
        TopicPartition p1 = new TopicPartition("orders", 1);
        SyncGroupResponseData leaderSync = a.sync(Map.of(a.memberId, GroupHarness.assignment(p0),
                b.memberId, GroupHarness.assignment(p1))).join();

        assertThat(GroupHarness.partitions(leaderSync.assignment())).containsExactly(p0);
        assertThat(followerSync).isDone();
        assertThat(GroupHarness.partitions(followerSync.join().assignment())).containsExactly(p1);
        // a late SyncGroup in the Stable group gets the stored assignment at once
        assertThat(GroupHarness.partitions(b.sync().join().assignment())).containsExactly(p1);
    }

    @Test
    void aMemberTheLeaderLeavesOutGetsAnEmptyAssignment() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);

        CompletableFuture<SyncGroupResponseData> followerSync = b.sync();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(new TopicPartition("orders", 0))));

        assertThat(Errors.forCode(followerSync.join().errorCode())).isEqualTo(Errors.NONE);
        assertThat(followerSync.join().assignment()).isEmpty();
    }

    @Test
    void aNewMemberRebalancesAStableGroupAndTheGenerationIncrements() {
        TestMember a = harness.consumer("a", "orders");
        a.joinNow();
        a.sync(Map.of(a.memberId, GroupHarness.assignment(new TopicPartition("orders", 0))));

        TestMember b = harness.consumer("b", "orders");
        CompletableFuture<JoinGroupResponseData> joinB = b.join();
        harness.advance(0);

        assertThat(joinB).isNotDone();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(a.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        CompletableFuture<JoinGroupResponseData> rejoinA = a.sendJoin();

        assertThat(rejoinA).isDone();
        assertThat(joinB).isDone();
        assertThat(rejoinA.join().generationId()).isEqualTo(2);
        assertThat(joinB.join().generationId()).isEqualTo(2);
        assertThat(rejoinA.join().leader()).isEqualTo(a.memberId);
        assertThat(rejoinA.join().members()).hasSize(2);
    }

    @Test
    void followerRejoiningAStableGroupWithSameMetadataGetsTheCurrentGeneration() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of());

        JoinGroupResponseData rejoin = b.sendJoin().join();

        assertThat(Errors.forCode(rejoin.errorCode())).isEqualTo(Errors.NONE);
        assertThat(rejoin.generationId()).isEqualTo(1);
        assertThat(rejoin.members()).isEmpty();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void leaderRejoiningAStableGroupTriggersARebalance() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of());

        CompletableFuture<JoinGroupResponseData> leaderRejoin = a.sendJoin();

        assertThat(leaderRejoin).isNotDone();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(b.heartbeat()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        b.sendJoin();
        assertThat(leaderRejoin.join().generationId()).isEqualTo(2);
    }

    @Test
    void changedSubscriptionOfAFollowerTriggersARebalance() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);
        b.sync();
        a.sync(Map.of());

        b.protocols = GroupHarness.protocols("range", "orders", "payments");
        CompletableFuture<JoinGroupResponseData> rejoin = b.sendJoin();

        assertThat(rejoin).isNotDone();
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    @Test
    void theProtocolIsTheOneEveryMemberSupportsWithTheMostVotes() {
        TestMember a = new TestMember(harness, "a", null, GroupHarness.protocols(List.of("sticky", "range"), "t"));
        TestMember b = new TestMember(harness, "b", null, GroupHarness.protocols(List.of("range", "sticky"), "t"));
        TestMember c = new TestMember(harness, "c", null, GroupHarness.protocols(List.of("range", "sticky"), "t"));
        a.join();
        b.join();
        c.join();
        harness.advance(0);

        assertThat(a.lastJoin.protocolName()).isEqualTo("range");
    }

    @Test
    void onlyProtocolsEveryMemberSupportsAreCandidates() {
        TestMember a = new TestMember(harness, "a", null, GroupHarness.protocols(List.of("range", "roundrobin"), "t"));
        TestMember b = new TestMember(harness, "b", null, GroupHarness.protocols(List.of("range", "roundrobin"), "t"));
        TestMember c = new TestMember(harness, "c", null, GroupHarness.protocols(List.of("roundrobin"), "t"));
        a.join();
        b.join();
        c.join();
        harness.advance(0);

        assertThat(c.lastJoin.protocolName()).isEqualTo("roundrobin");
    }

    @Test
    void aMemberWithoutACommonProtocolOrWithAnotherProtocolTypeIsRejected() {
        TestMember a = harness.consumer("a", "orders");
        a.joinNow();

        TestMember other = new TestMember(harness, "b", null, GroupHarness.protocols("roundrobin", "orders"));
        assertThat(Errors.forCode(other.sendJoin().join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

        TestMember connect = harness.consumer("c", "orders");
        CompletableFuture<JoinGroupResponseData> join = harness.coordinator.joinGroup(
                new GroupRequestContext("c", "/10.0.0.1", (short) 9),
                connect.joinRequest().setProtocolType("connect"));
        assertThat(Errors.forCode(join.join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void anEmptyProtocolListIsInconsistent() {
        TestMember member = new TestMember(harness, "a", null, GroupHarness.protocols(List.of(), "t"));
        assertThat(Errors.forCode(member.sendJoin().join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void sessionTimeoutOutsideTheBrokerBoundsIsInvalid() {
        GroupHarness bounded = new GroupHarness(GroupHarness.config().withSessionTimeoutBounds(6_000, 30_000));
        TestMember tooShort = bounded.consumer("a", "t");
        tooShort.sessionTimeoutMs = 5_999;
        TestMember tooLong = bounded.consumer("b", "t");
        tooLong.sessionTimeoutMs = 30_001;
        TestMember fine = bounded.consumer("c", "t");
        fine.sessionTimeoutMs = 6_000;

        assertThat(Errors.forCode(tooShort.sendJoin().join().errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(tooLong.sendJoin().join().errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(fine.sendJoin().join().errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
    }

    @Test
    void membersBeyondGroupMaxSizeAreRejected() {
        GroupHarness small = new GroupHarness(GroupHarness.config().withMaxGroupSize(2));
        TestMember a = small.consumer("a", "t");
        TestMember b = small.consumer("b", "t");
        a.join();
        b.join();
        small.advance(0);
        b.sync();
        a.sync(Map.of());

        JoinGroupResponseData third = small.consumer("c", "t").join().join();

        assertThat(Errors.forCode(third.errorCode())).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
        assertThat(small.state(GroupHarness.GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void unknownMemberIdsAreRejected() {
        TestMember ghost = harness.consumer("a", "t");
        ghost.memberId = "a-made-up";
        assertThat(Errors.forCode(ghost.sendJoin().join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        harness.consumer("b", "t").joinNow();
        assertThat(Errors.forCode(ghost.sendJoin().join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void syncGroupValidatesMemberGenerationAndProtocol() {
        TestMember a = harness.consumer("a", "orders");
        a.joinNow();

        TestMember stranger = harness.consumer("x", "orders");
        stranger.memberId = "x-1";
        stranger.generation = 1;
        assertThat(Errors.forCode(stranger.sync().join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        a.generation = 7;
        assertThat(Errors.forCode(a.sync().join().errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
        a.generation = 1;

        a.lastJoin.setProtocolName("roundrobin");
        assertThat(Errors.forCode(a.sync().join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        a.lastJoin.setProtocolName(null); // v4 and below send no protocol name: not checked
        assertThat(Errors.forCode(a.sync().join().errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void syncGroupDuringARebalanceAnswersRebalanceInProgressAndParkedSyncsAreReleased() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);
        CompletableFuture<SyncGroupResponseData> parked = b.sync();

        TestMember c = harness.consumer("c", "orders");
        c.join(); // a new member while the group is CompletingRebalance: the generation's assignment is void

        assertThat(Errors.forCode(parked.join().errorCode())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(Errors.forCode(a.sync().join().errorCode())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void syncGroupOfAnEmptyOrUnknownGroupIsUnknownMember() {
        TestMember a = harness.consumer("a", "orders");
        a.memberId = "a-1";
        a.generation = 0;
        assertThat(Errors.forCode(a.sync().join().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void rejoiningDuringCompletingRebalanceWithSameMetadataReturnsTheSameGeneration() {
        TestMember a = harness.consumer("a", "orders");
        TestMember b = harness.consumer("b", "orders");
        a.join();
        b.join();
        harness.advance(0);

        JoinGroupResponseData again = a.sendJoin().join();

        assertThat(again.generationId()).isEqualTo(1);
        assertThat(again.members()).hasSize(2);
        assertThat(harness.state(GroupHarness.GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }
}
