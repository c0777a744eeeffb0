package io.sluice.broker.api;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
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
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every advertised version of every group API goes through its handler and back: the request parses, the handler
 * answers, and the response serializes and parses at that version (a null in a field the version cannot carry, or a
 * missing required field, would fail here).
 */
class GroupHandlerVersionsTest {
    private final GroupApiClient client = new GroupApiClient();

    @AfterEach
    void close() throws InterruptedException {
        client.close();
    }

    @ParameterizedTest
    @EnumSource(value = ApiKeys.class, names = {"JOIN_GROUP", "SYNC_GROUP", "HEARTBEAT", "LEAVE_GROUP", "LIST_GROUPS",
            "DESCRIBE_GROUPS", "DELETE_GROUPS", "OFFSET_COMMIT", "OFFSET_DELETE", "OFFSET_FETCH"})
    void handlersAdvertiseTheVersionRangeKafkaClientsDefines(ApiKeys key) {
        assertThat(client.handler(key).lowestVersion()).isEqualTo(key.oldestVersion());
        assertThat(client.handler(key).highestVersion()).isEqualTo(key.latestVersion());
    }

    private static JoinGroupRequestData join(String groupId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(
                Utils.toArray(ConsumerProtocol.serializeSubscription(new Subscription(List.of("orders"))))));
        return new JoinGroupRequestData().setGroupId(groupId).setMemberId("").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(20_000).setProtocolType("consumer").setProtocols(protocols);
    }

    @Test
    void joinGroupAtEveryVersion() {
        for (short v = ApiKeys.JOIN_GROUP.oldestVersion(); v <= ApiKeys.JOIN_GROUP.latestVersion(); v++) {
            JoinGroupResponseData response = client.send(join("join-v" + v), v);
            if (v >= 4) {
                assertThat(Errors.forCode(response.errorCode())).as("v%d", v).isEqualTo(Errors.MEMBER_ID_REQUIRED);
                response = client.send(join("join-v" + v).setMemberId(response.memberId()), v);
            }
            assertThat(Errors.forCode(response.errorCode())).as("v%d", v).isEqualTo(Errors.NONE);
            assertThat(response.generationId()).as("v%d", v).isEqualTo(1);
            assertThat(response.protocolName()).isEqualTo("range");
            assertThat(response.protocolType()).isEqualTo(v >= 7 ? "consumer" : null);
            assertThat(response.members()).hasSize(1);
        }
        JoinGroupResponseData invalid = client.send(join("g").setSessionTimeoutMs(1), (short) 0);
        assertThat(Errors.forCode(invalid.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
    }

    @Test
    void syncGroupHeartbeatAndLeaveAtEveryVersion() {
        for (short v = 0; v <= ApiKeys.SYNC_GROUP.latestVersion(); v++) {
            SyncGroupResponseData sync = client.send(new SyncGroupRequestData().setGroupId("nope").setMemberId("m")
                    .setGenerationId(1), v);
            assertThat(Errors.forCode(sync.errorCode())).as("v%d", v).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
        for (short v = 0; v <= ApiKeys.HEARTBEAT.latestVersion(); v++) {
            HeartbeatResponseData heartbeat = client.send(new HeartbeatRequestData().setGroupId("nope").setMemberId("m")
                    .setGenerationId(1), v);
            assertThat(Errors.forCode(heartbeat.errorCode())).as("v%d", v).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
        for (short v = 0; v <= ApiKeys.LEAVE_GROUP.latestVersion(); v++) {
            LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId("nope");
            if (v < 3) {
                request.setMemberId("m");
            } else {
                request.setMembers(List.of(new MemberIdentity().setMemberId("m")));
            }
            LeaveGroupResponseData leave = client.send(request, v);
            if (v < 3) {
                assertThat(Errors.forCode(leave.errorCode())).as("v%d", v).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            } else {
                assertThat(leave.members()).extracting(m -> Errors.forCode(m.errorCode()))
                        .containsExactly(Errors.UNKNOWN_MEMBER_ID);
            }
        }
    }

    @Test
    void listDescribeAndDeleteGroupsAtEveryVersion() {
        client.send(simpleCommit("listed"), (short) 9);
        for (short v = 0; v <= ApiKeys.LIST_GROUPS.latestVersion(); v++) {
            ListGroupsResponseData listed = client.send(new ListGroupsRequestData(), v);
            assertThat(listed.groups()).extracting(g -> g.groupId()).as("v%d", v).containsExactly("listed");
        }
        for (short v = 0; v <= ApiKeys.DESCRIBE_GROUPS.latestVersion(); v++) {
            DescribeGroupsResponseData described = client.send(new DescribeGroupsRequestData()
                    .setGroups(List.of("listed", "ghost")), v);
            assertThat(described.groups()).extracting(g -> g.groupState()).containsExactly("Empty", "Dead");
            assertThat(Errors.forCode(described.groups().get(1).errorCode())).as("v%d", v)
                    .isEqualTo(v >= 6 ? Errors.GROUP_ID_NOT_FOUND : Errors.NONE);
        }
        for (short v = 0; v <= ApiKeys.DELETE_GROUPS.latestVersion(); v++) {
            DeleteGroupsResponseData deleted = client.send(new DeleteGroupsRequestData()
                    .setGroupsNames(List.of("ghost-" + v)), v);
            assertThat(Errors.forCode(deleted.results().find("ghost-" + v).errorCode()))
                    .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        }
    }

    private static OffsetCommitRequestData simpleCommit(String groupId) {
        return new OffsetCommitRequestData().setGroupId(groupId).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("orders").setTopicId(GroupApiClient.ORDERS_ID)
                        .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                                .setCommittedOffset(42).setCommittedMetadata("m")))));
    }

    @Test
    void offsetCommitFetchAndDeleteAtEveryVersion() {
        for (short v = ApiKeys.OFFSET_COMMIT.oldestVersion(); v <= ApiKeys.OFFSET_COMMIT.latestVersion(); v++) {
            OffsetCommitResponseData committed = client.send(simpleCommit("commit-v" + v), v);
            assertThat(Errors.forCode(committed.topics().get(0).partitions().get(0).errorCode())).as("v%d", v)
                    .isEqualTo(Errors.NONE);
        }
        for (short v = ApiKeys.OFFSET_FETCH.oldestVersion(); v <= ApiKeys.OFFSET_FETCH.latestVersion(); v++) {
            OffsetFetchRequestData request = new OffsetFetchRequestData();
            if (v < 8) {
                request.setGroupId("commit-v9").setTopics(List.of(new OffsetFetchRequestTopic().setName("orders")
                        .setPartitionIndexes(List.of(0, 1))));
            } else {
                request.setGroups(List.of(new OffsetFetchRequestGroup().setGroupId("commit-v9").setTopics(List.of(
                        new OffsetFetchRequestTopics().setName("orders").setTopicId(GroupApiClient.ORDERS_ID)
                                .setPartitionIndexes(List.of(0, 1))))));
            }
            OffsetFetchResponseData fetched = client.send(request, v);
            List<Long> offsets = v < 8
                    ? fetched.topics().get(0).partitions().stream().map(p -> p.committedOffset()).toList()
                    : fetched.groups().get(0).topics().get(0).partitions().stream().map(p -> p.committedOffset()).toList();
            assertThat(offsets).as("v%d", v).containsExactly(42L, -1L);
        }
        OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
        OffsetDeleteRequestTopic topic = new OffsetDeleteRequestTopic().setName("orders");
        topic.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));
        topics.add(topic);
        OffsetDeleteResponseData deleted = client.send(new OffsetDeleteRequestData().setGroupId("commit-v9")
                .setTopics(topics), (short) 0);
        assertThat(Errors.forCode(deleted.errorCode())).isEqualTo(Errors.NONE);
        assertThat(client.store.hasOffsets("commit-v9")).isFalse();
    }
}
