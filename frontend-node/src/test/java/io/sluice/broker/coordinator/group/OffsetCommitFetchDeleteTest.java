package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** OffsetCommit validation, OffsetFetch and OffsetDelete. */
class OffsetCommitFetchDeleteTest {
    private static final String G = GroupHarness.GROUP;

    private final GroupHarness harness = new GroupHarness();

    private static List<Errors> errors(OffsetCommitResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream())
                .map(p -> Errors.forCode(p.errorCode())).toList();
    }

    private TestMember stableMember() {
        TestMember member = harness.consumer("a", "orders");
        member.joinNow();
        member.sync(Map.of());
        return member;
    }

    @Test
    void aSimpleCommitToAnUnknownGroupIsStoredAndFetched() {
        OffsetCommitResponseData response = harness.adminCommit("simple", "orders", Map.of(0, 10L, 1, 20L));

        assertThat(errors(response)).containsOnly(Errors.NONE).hasSize(2);
        assertThat(harness.fetch("simple", "orders", 0, 1, 2)).containsExactly(
                Map.entry(new TopicPartition("orders", 0), 10L),
                Map.entry(new TopicPartition("orders", 1), 20L),
                Map.entry(new TopicPartition("orders", 2), -1L));
        CommittedOffset stored = harness.store.fetch("simple", Optional.empty()).get(new TopicPartition("orders", 0));
        assertThat(stored).isEqualTo(new CommittedOffset(10, 3, "meta-10", harness.time.milliseconds()));
    }

    @Test
    void aMemberOfTheCurrentGenerationCommits() {
        TestMember member = stableMember();

        OffsetCommitResponseData response = harness.commit(G, 1, member.memberId, null, (short) 9, "orders",
                Map.of(0, 7L));

        assertThat(errors(response)).containsExactly(Errors.NONE);
        assertThat(harness.fetch(G, "orders", 0)).containsEntry(new TopicPartition("orders", 0), 7L);
    }

    @Test
    void memberCommitsAreValidated() {
        TestMember member = stableMember();

        assertThat(errors(harness.commit(G, 2, member.memberId, null, (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(harness.commit(G, 1, "stranger", null, (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(errors(harness.commit(G, -1, "", null, (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID); // an admin commit to a group with members
        assertThat(errors(harness.commit(G, 1, member.memberId, "not-mine", (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(harness.fetch(G, "orders", 0)).containsEntry(new TopicPartition("orders", 0), -1L);
    }

    @Test
    void commitsDuringCompletingRebalanceAreRefusedWithRebalanceInProgress() {
        TestMember member = harness.consumer("a", "orders");
        member.joinNow();

        assertThat(errors(harness.commit(G, 1, member.memberId, null, (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void commitsOfThePreviousGenerationAreAcceptedWhilePreparingARebalance() {
        TestMember a = stableMember();
        harness.consumer("b", "orders").join(); // PreparingRebalance, generation still 1

        assertThat(errors(harness.commit(G, 1, a.memberId, null, (short) 9, "orders", Map.of(0, 3L))))
                .containsExactly(Errors.NONE);
    }

    @Test
    void anUnknownGroupWithAGenerationIsGroupIdNotFoundFromV9AndIllegalGenerationBefore() {
        assertThat(errors(harness.commit("ghost", 3, "m", null, (short) 9, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.GROUP_ID_NOT_FOUND);
        assertThat(errors(harness.commit("ghost", 3, "m", null, (short) 8, "orders", Map.of(0, 1L))))
                .containsExactly(Errors.ILLEGAL_GENERATION);
        assertThat(harness.store.groupsWithOffsets()).isEmpty();
    }

    @Test
    void metadataOverTheLimitIsRejectedPerPartition() {
        GroupHarness limited = new GroupHarness(GroupHarness.config().withOffsetMetadataMaxBytes(5));
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestTopic().setName("orders").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1)
                                .setCommittedMetadata("12345"),
                        new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(2)
                                .setCommittedMetadata("123456"),
                        new OffsetCommitRequestPartition().setPartitionIndex(2).setCommittedOffset(3)
                                .setCommittedMetadata(null)))));

        OffsetCommitResponseData response = limited.coordinator.commitOffsets(request, (short) 9).join();

        assertThat(errors(response)).containsExactly(Errors.NONE, Errors.OFFSET_METADATA_TOO_LARGE, Errors.NONE);
        assertThat(limited.fetch("g", "orders", 0, 1, 2).values()).containsExactly(1L, -1L, 3L);
        assertThat(limited.store.fetch("g", Optional.empty()).get(new TopicPartition("orders", 2)).metadata()).isEmpty();
    }

    @Test
    void storeFailuresAreMappedAsKafkaMapsFailedOffsetAppends() {
        GroupHarness failing = new GroupHarness(GroupHarness.config(), new FailingStore(new NotLeaderOrFollowerException("moved")));
        assertThat(errors(failing.adminCommit("g", "orders", Map.of(0, 1L)))).containsExactly(Errors.NOT_COORDINATOR);

        GroupHarness tooLarge = new GroupHarness(GroupHarness.config(), new FailingStore(new RecordTooLargeException("big")));
        assertThat(errors(tooLarge.adminCommit("g", "orders", Map.of(0, 1L))))
                .containsExactly(Errors.INVALID_COMMIT_OFFSET_SIZE);
    }

    @Test
    void fetchingEveryCommittedPartitionWithNullTopics() {
        harness.adminCommit(G, "orders", Map.of(1, 11L, 0, 10L));
        harness.adminCommit(G, "audit", Map.of(0, 5L));

        OffsetFetchResponseData response = harness.coordinator.fetchOffsets(new OffsetFetchRequestData().setGroups(
                List.of(new OffsetFetchRequestGroup().setGroupId(G).setTopics(null))), (short) 9).join();

        var topics = response.groups().get(0).topics();
        assertThat(topics).extracting(t -> t.name()).containsExactly("audit", "orders");
        assertThat(topics.get(1).partitions()).extracting(OffsetFetchResponsePartitions::partitionIndex,
                OffsetFetchResponsePartitions::committedOffset, OffsetFetchResponsePartitions::committedLeaderEpoch,
                OffsetFetchResponsePartitions::metadata)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 10L, 3, "meta-10"),
                        org.assertj.core.groups.Tuple.tuple(1, 11L, 3, "meta-11"));
    }

    @Test
    void fetchV8BatchesGroupsWithPerGroupErrors() {
        harness.adminCommit("g1", "orders", Map.of(0, 1L));
        harness.adminCommit("g2", "orders", Map.of(0, 2L));
        harness.notOwned.add("g3");

        OffsetFetchResponseData response = harness.coordinator.fetchOffsets(new OffsetFetchRequestData().setGroups(
                List.of(group("g1"), group("g2"), group("g3"))), (short) 8).join();

        assertThat(response.groups()).extracting(g -> g.groupId(), g -> Errors.forCode(g.errorCode()))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("g1", Errors.NONE),
                        org.assertj.core.groups.Tuple.tuple("g2", Errors.NONE),
                        org.assertj.core.groups.Tuple.tuple("g3", Errors.NOT_COORDINATOR));
        assertThat(response.groups().get(1).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(2L);
    }

    private static OffsetFetchRequestGroup group(String groupId) {
        return new OffsetFetchRequestGroup().setGroupId(groupId)
                .setTopics(List.of(new OffsetFetchRequestTopics().setName("orders").setPartitionIndexes(List.of(0))));
    }

    @Test
    void fetchBeforeV8UsesTheSingleGroupFormAndV1ReportsGroupErrorsOnPartitions() {
        harness.adminCommit(G, "orders", Map.of(0, 9L));
        OffsetFetchRequestData v7 = new OffsetFetchRequestData().setGroupId(G).setTopics(List.of(
                new OffsetFetchRequestTopic().setName("orders").setPartitionIndexes(List.of(0, 1))));

        OffsetFetchResponseData response = harness.coordinator.fetchOffsets(v7, (short) 7).join();

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().get(0).partitions()).extracting(p -> p.committedOffset()).containsExactly(9L, -1L);

        harness.loading.add(G);
        OffsetFetchResponseData v1 = harness.coordinator.fetchOffsets(v7, (short) 1).join();
        OffsetFetchResponseData v2 = harness.coordinator.fetchOffsets(v7, (short) 2).join();
        assertThat(v1.topics().get(0).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
                .containsOnly(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(Errors.forCode(v2.errorCode())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    @Test
    void offsetDeleteRemovesOffsetsOfTopicsNoLiveMemberSubscribesTo() {
        TestMember member = stableMember(); // subscribed to "orders"
        harness.commit(G, 1, member.memberId, null, (short) 9, "orders", Map.of(0, 5L));
        harness.commit(G, 1, member.memberId, null, (short) 9, "old-topic", Map.of(0, 6L));

        OffsetDeleteResponseData response = harness.coordinator.deleteOffsets(deleteRequest(G, "orders", "old-topic"))
                .join();

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().find("orders").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(response.topics().find("old-topic").partitions().find(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(harness.fetch(G, "orders", 0).values()).containsExactly(5L);
        assertThat(harness.fetch(G, "old-topic", 0).values()).containsExactly(-1L);
    }

    @Test
    void offsetDeleteErrors() {
        assertThat(Errors.forCode(harness.coordinator.deleteOffsets(deleteRequest("ghost", "orders")).join()
                .errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("connect-v1").setMetadata(new byte[]{1}));
        TestMember worker = new TestMember(harness, "w", null, protocols);
        worker.groupId = "connect-cluster";
        harness.coordinator.joinGroup(new GroupRequestContext("w", "/h", (short) 9),
                worker.joinRequest().setMemberId("").setProtocolType("connect"));
        CompletableFuture<?> join = harness.coordinator.joinGroup(new GroupRequestContext("w", "/h", (short) 3),
                worker.joinRequest().setProtocolType("connect"));
        harness.advance(0);
        assertThat(join).isDone();

        assertThat(Errors.forCode(harness.coordinator.deleteOffsets(deleteRequest("connect-cluster", "orders")).join()
                .errorCode())).isEqualTo(Errors.NON_EMPTY_GROUP);
    }

    @Test
    void offsetDeleteOfAnOffsetsOnlyGroup() {
        harness.adminCommit("simple", "orders", Map.of(0, 1L, 1, 2L));

        OffsetDeleteResponseData response = harness.coordinator.deleteOffsets(deleteRequest("simple", "orders")).join();

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(harness.fetch("simple", "orders", 0, 1).values()).containsExactly(-1L, 2L);
    }

    private static OffsetDeleteRequestData deleteRequest(String groupId, String... topics) {
        OffsetDeleteRequestTopicCollection collection = new OffsetDeleteRequestTopicCollection();
        for (String topic : topics) {
            OffsetDeleteRequestTopic t = new OffsetDeleteRequestTopic().setName(topic);
            t.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));
            collection.add(t);
        }
        return new OffsetDeleteRequestData().setGroupId(groupId).setTopics(collection);
    }

    /** A store whose writes fail with a given exception. */
    private static final class FailingStore implements OffsetStore {
        private final RuntimeException failure;

        FailingStore(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId,
                                                                     Map<TopicPartition, CommittedOffset> offsets) {
            return CompletableFuture.failedFuture(failure);
        }

        @Override
        public Map<TopicPartition, CommittedOffset> fetch(String groupId, Optional<Collection<TopicPartition>> partitions) {
            return Map.of();
        }

        @Override
        public CompletableFuture<Void> deleteGroup(String groupId) {
            return CompletableFuture.failedFuture(failure);
        }

        @Override
        public CompletableFuture<Void> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
            return CompletableFuture.failedFuture(failure);
        }

        @Override
        public Set<String> groupsWithOffsets() {
            return Set.of();
        }
    }
}
