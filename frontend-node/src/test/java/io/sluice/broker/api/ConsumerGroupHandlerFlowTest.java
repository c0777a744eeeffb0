package io.sluice.broker.api;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
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
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer group driven through the API handlers with the requests kafka-clients' classic {@code KafkaConsumer}
 * sends (subscriptions and assignments in the embedded consumer protocol), each serialized and parsed at its version.
 */
class ConsumerGroupHandlerFlowTest {
    private static final String GROUP = "orders-service";
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final TopicPartition P2 = new TopicPartition("orders", 2);

    private final GroupApiClient client = new GroupApiClient();

    @AfterEach
    void close() throws InterruptedException {
        client.close();
    }

    private static JoinGroupRequestProtocolCollection consumerProtocols(List<TopicPartition> owned, String... assignors) {
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(
                new Subscription(List.of("orders"), null, owned)));
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        for (String assignor : assignors) {
            protocols.add(new JoinGroupRequestProtocol().setName(assignor).setMetadata(subscription));
        }
        return protocols;
    }

    private static JoinGroupRequestData joinRequest(String memberId, JoinGroupRequestProtocolCollection protocols) {
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setSessionTimeoutMs(45_000)
                .setRebalanceTimeoutMs(300_000).setProtocolType(ConsumerProtocol.PROTOCOL_TYPE).setProtocols(protocols)
                .setReason("test");
    }

    /** JoinGroup v9 as the consumer sends it: first without a member id, then with the one handed out. */
    private JoinGroupResponseData join(String memberId, JoinGroupRequestProtocolCollection protocols) {
        JoinGroupResponseData response = client.send(joinRequest(memberId, protocols.duplicate()), (short) 9);
        if (response.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
            response = client.send(joinRequest(response.memberId(), protocols.duplicate()), (short) 9);
        }
        return response;
    }

    private SyncGroupResponseData sync(JoinGroupResponseData joined, List<SyncGroupRequestAssignment> assignments) {
        return client.send(new SyncGroupRequestData().setGroupId(GROUP).setGenerationId(joined.generationId())
                .setMemberId(joined.memberId()).setProtocolType(joined.protocolType())
                .setProtocolName(joined.protocolName()).setAssignments(assignments), (short) 5);
    }

    private static SyncGroupRequestAssignment assignment(String memberId, TopicPartition... partitions) {
        return new SyncGroupRequestAssignment().setMemberId(memberId)
                .setAssignment(Utils.toArray(ConsumerProtocol.serializeAssignment(new Assignment(List.of(partitions)))));
    }

    private static List<TopicPartition> partitions(byte[] assignment) {
        return ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions();
    }

    @Test
    void aConsumerJoinsSyncsCommitsFetchesLeavesAndTheGroupIsDeleted() {
        JoinGroupRequestData first = joinRequest("", consumerProtocols(List.of(), "range", "cooperative-sticky"));
        JoinGroupResponseData required = client.send(first, (short) 9);
        assertThat(Errors.forCode(required.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(required.memberId()).startsWith("consumer-1-");

        JoinGroupResponseData joined = client.send(joinRequest(required.memberId(),
                consumerProtocols(List.of(), "range", "cooperative-sticky")), (short) 9);
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(joined.protocolType()).isEqualTo("consumer");
        assertThat(joined.protocolName()).isEqualTo("range");
        Subscription subscription = ConsumerProtocol.deserializeSubscription(
                ByteBuffer.wrap(joined.members().get(0).metadata()));
        assertThat(subscription.topics()).containsExactly("orders");

        SyncGroupResponseData synced = sync(joined, List.of(assignment(joined.memberId(), P0, P1, P2)));
        assertThat(Errors.forCode(synced.errorCode())).isEqualTo(Errors.NONE);
        assertThat(partitions(synced.assignment())).containsExactly(P0, P1, P2);

        HeartbeatResponseData heartbeat = client.send(new HeartbeatRequestData().setGroupId(GROUP)
                .setMemberId(joined.memberId()).setGenerationId(1), (short) 4);
        assertThat(Errors.forCode(heartbeat.errorCode())).isEqualTo(Errors.NONE);

        OffsetCommitResponseData committed = client.send(new OffsetCommitRequestData().setGroupId(GROUP)
                .setGenerationIdOrMemberEpoch(1).setMemberId(joined.memberId()).setTopics(List.of(
                        new OffsetCommitRequestTopic().setName("orders").setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(100)
                                        .setCommittedLeaderEpoch(0).setCommittedMetadata(""),
                                new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(200)
                                        .setCommittedLeaderEpoch(0).setCommittedMetadata("note"))),
                        new OffsetCommitRequestTopic().setName("no-such-topic").setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))))),
                (short) 9);
        assertThat(committed.topics()).extracting(t -> t.name()).containsExactly("orders", "no-such-topic");
        assertThat(committed.topics().get(0).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.NONE, Errors.NONE);
        assertThat(committed.topics().get(1).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION);

        OffsetFetchResponseData byName = client.send(new OffsetFetchRequestData().setRequireStable(true).setGroups(
                List.of(new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(List.of(
                        new OffsetFetchRequestTopics().setName("orders").setPartitionIndexes(List.of(0, 1, 2)))))),
                (short) 9);
        OffsetFetchResponseGroup group = byName.groups().get(0);
        assertThat(group.topics().get(0).partitions()).extracting(p -> p.committedOffset(), p -> p.metadata(),
                        p -> p.committedLeaderEpoch())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(100L, "", 0),
                        org.assertj.core.groups.Tuple.tuple(200L, "note", 0),
                        org.assertj.core.groups.Tuple.tuple(-1L, "", -1));

        DescribeGroupsResponseData described = client.send(new DescribeGroupsRequestData().setGroups(List.of(GROUP))
                .setIncludeAuthorizedOperations(true), (short) 6);
        DescribedGroup stable = described.groups().get(0);
        assertThat(stable.groupState()).isEqualTo("Stable");
        assertThat(stable.protocolData()).isEqualTo("range");
        assertThat(stable.authorizedOperations()).isNotEqualTo(Integer.MIN_VALUE);
        assertThat(stable.members().get(0).clientId()).isEqualTo("consumer-1");
        assertThat(stable.members().get(0).clientHost()).isEqualTo("/127.0.0.1");
        assertThat(partitions(stable.members().get(0).memberAssignment())).containsExactly(P0, P1, P2);

        ListGroupsResponseData listed = client.send(new ListGroupsRequestData(), (short) 5);
        assertThat(listed.groups()).extracting(g -> g.groupId(), g -> g.protocolType(), g -> g.groupState(),
                        g -> g.groupType())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(GROUP, "consumer", "Stable", "classic"));

        DeleteGroupsResponseData notEmpty = client.send(new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP)),
                (short) 2);
        assertThat(Errors.forCode(notEmpty.results().find(GROUP).errorCode())).isEqualTo(Errors.NON_EMPTY_GROUP);

        LeaveGroupResponseData left = client.send(new LeaveGroupRequestData().setGroupId(GROUP).setMembers(List.of(
                new MemberIdentity().setMemberId(joined.memberId()).setReason("the consumer is closing"))), (short) 5);
        assertThat(Errors.forCode(left.errorCode())).isEqualTo(Errors.NONE);
        assertThat(left.members()).extracting(m -> Errors.forCode(m.errorCode())).containsExactly(Errors.NONE);

        OffsetDeleteRequestTopicCollection deleteTopics = new OffsetDeleteRequestTopicCollection();
        OffsetDeleteRequestTopic orders = new OffsetDeleteRequestTopic().setName("orders");
        orders.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(1));
        orders.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(9));
        deleteTopics.add(orders);
        OffsetDeleteResponseData deleted = client.send(new OffsetDeleteRequestData().setGroupId(GROUP)
                .setTopics(deleteTopics), (short) 0);
        assertThat(Errors.forCode(deleted.errorCode())).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(deleted.topics().find("orders").partitions().find(1).errorCode()))
                .isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(deleted.topics().find("orders").partitions().find(9).errorCode()))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

        DeleteGroupsResponseData gone = client.send(new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP)),
                (short) 2);
        assertThat(Errors.forCode(gone.results().find(GROUP).errorCode())).isEqualTo(Errors.NONE);
        assertThat(client.store.groupsWithOffsets()).isEmpty();
    }

    @Test
    void topicIdsAreResolvedForOffsetCommitAndOffsetFetchV10() {
        Uuid unknownId = Uuid.randomUuid();
        OffsetCommitResponseData committed = client.send(new OffsetCommitRequestData().setGroupId(GROUP)
                .setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(
                        new OffsetCommitRequestTopic().setTopicId(GroupApiClient.ORDERS_ID).setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(2).setCommittedOffset(7))),
                        new OffsetCommitRequestTopic().setTopicId(unknownId).setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))))),
                (short) 10);
        assertThat(committed.topics()).extracting(t -> t.topicId()).containsExactly(GroupApiClient.ORDERS_ID, unknownId);
        assertThat(committed.topics()).extracting(t -> Errors.forCode(t.partitions().get(0).errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_ID);

        OffsetFetchResponseData fetched = client.send(new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(List.of(
                        new OffsetFetchRequestTopics().setTopicId(unknownId).setPartitionIndexes(List.of(0)),
                        new OffsetFetchRequestTopics().setTopicId(GroupApiClient.ORDERS_ID)
                                .setPartitionIndexes(List.of(2)))))), (short) 10);
        var topics = fetched.groups().get(0).topics();
        assertThat(topics).extracting(t -> t.topicId()).containsExactly(unknownId, GroupApiClient.ORDERS_ID);
        assertThat(Errors.forCode(topics.get(0).partitions().get(0).errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(topics.get(1).partitions().get(0).committedOffset()).isEqualTo(7L);

        OffsetFetchResponseData all = client.send(new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(null))), (short) 10);
        assertThat(all.groups().get(0).topics()).extracting(t -> t.topicId()).containsExactly(GroupApiClient.ORDERS_ID);
    }

    @Test
    void cooperativeStickyConsumersRebalanceTwiceThroughTheCoordinator() throws Exception {
        JoinGroupRequestProtocolCollection protocols = consumerProtocols(List.of(), "cooperative-sticky");
        JoinGroupResponseData a1 = join("", protocols);
        sync(a1, List.of(assignment(a1.memberId(), P0, P1, P2)));

        // b joins: a must rejoin (its heartbeat says so), still owning all partitions
        CompletableFuture<JoinGroupResponseData> bJoin = CompletableFuture.supplyAsync(() -> join("", protocols));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                client.<HeartbeatResponseData>send(new HeartbeatRequestData().setGroupId(GROUP)
                        .setMemberId(a1.memberId()).setGenerationId(1), (short) 4).errorCode()
                        == Errors.REBALANCE_IN_PROGRESS.code());
        JoinGroupResponseData a2 = join(a1.memberId(), consumerProtocols(List.of(P0, P1, P2), "cooperative-sticky"));
        JoinGroupResponseData b2 = bJoin.get(10, TimeUnit.SECONDS);
        assertThat(a2.generationId()).isEqualTo(2);
        assertThat(b2.generationId()).isEqualTo(2);

        // first rebalance: the leader revokes P2 from itself and gives b nothing yet
        CompletableFuture<SyncGroupResponseData> bSync = CompletableFuture.supplyAsync(() -> sync(b2, List.of()));
        SyncGroupResponseData aSync = sync(a2, List.of(assignment(a2.memberId(), P0, P1), assignment(b2.memberId())));
        assertThat(partitions(aSync.assignment())).containsExactly(P0, P1);
        assertThat(partitions(bSync.get(10, TimeUnit.SECONDS).assignment())).isEmpty();

        // second rebalance: a rejoins after revoking, and P2 moves to b
        CompletableFuture<JoinGroupResponseData> a3Join = CompletableFuture.supplyAsync(() ->
                join(a2.memberId(), consumerProtocols(List.of(P0, P1), "cooperative-sticky")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                client.<HeartbeatResponseData>send(new HeartbeatRequestData().setGroupId(GROUP)
                        .setMemberId(b2.memberId()).setGenerationId(2), (short) 4).errorCode()
                        == Errors.REBALANCE_IN_PROGRESS.code());
        JoinGroupResponseData b3 = join(b2.memberId(), consumerProtocols(List.of(), "cooperative-sticky"));
        JoinGroupResponseData a3 = a3Join.get(10, TimeUnit.SECONDS);
        assertThat(a3.generationId()).isEqualTo(3);
        assertThat(b3.generationId()).isEqualTo(3);
        List<Subscription> subscriptions = new ArrayList<>();
        a3.members().forEach(m -> subscriptions.add(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata()))));
        assertThat(subscriptions).flatExtracting(Subscription::ownedPartitions).containsExactlyInAnyOrder(P0, P1);

        CompletableFuture<SyncGroupResponseData> bSync3 = CompletableFuture.supplyAsync(() -> sync(b3, List.of()));
        sync(a3, List.of(assignment(a3.memberId(), P0, P1), assignment(b3.memberId(), P2)));
        assertThat(partitions(bSync3.get(10, TimeUnit.SECONDS).assignment())).containsExactly(P2);
    }
}
