package io.sluice.broker.coordinator.group;

import io.sluice.storage.ManualTime;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link GroupCoordinator} run deterministically on the test's thread: a direct executor, a manual clock and a
 * manual timer, an {@link InMemoryOffsetStore} (or a given store), group metadata kept in memory only (or a given
 * {@link GroupMetadataStore}), and ownership the test can change.
 */
final class GroupHarness {
    static final String GROUP = "group-1";

    final ManualTime time = new ManualTime(1_700_000_000_000L);
    final ManualGroupTimer timer = new ManualGroupTimer(time);
    final OffsetStore store;
    final Set<String> notOwned = new HashSet<>();
    final Set<String> loading = new HashSet<>();
    final GroupCoordinator coordinator;

    GroupHarness() {
        this(config());
    }

    GroupHarness(GroupCoordinatorConfig config) {
        this(config, new InMemoryOffsetStore());
    }

    GroupHarness(GroupCoordinatorConfig config, OffsetStore store) {
        this(config, store, GroupMetadataStore.inMemoryOnly());
    }

    GroupHarness(GroupCoordinatorConfig config, OffsetStore store, GroupMetadataStore groupStore) {
        this.store = store;
        GroupOwnership ownership = new GroupOwnership() {
            @Override
            public boolean owns(String groupId) {
                return !notOwned.contains(groupId);
            }

            @Override
            public boolean loading(String groupId) {
                return loading.contains(groupId);
            }
        };
        coordinator = new GroupCoordinator(config, ownership, store, groupStore, time, Runnable::run, timer::attach);
    }

    /** Kafka's defaults, but small session-timeout bounds and no initial rebalance delay. */
    static GroupCoordinatorConfig config() {
        return GroupCoordinatorConfig.defaults().withSessionTimeoutBounds(10, 60_000).withInitialRebalanceDelayMs(0);
    }

    /** A dynamic consumer with the range assignor subscribed to {@code topics}. */
    TestMember consumer(String clientId, String... topics) {
        return new TestMember(this, clientId, null, protocols("range", topics));
    }

    /** A static consumer ({@code group.instance.id}) with the range assignor. */
    TestMember staticConsumer(String clientId, String instanceId, String... topics) {
        return new TestMember(this, clientId, instanceId, protocols("range", topics));
    }

    void advance(long ms) {
        timer.advance(ms);
    }

    DescribedGroup describe(String groupId) {
        return coordinator.describeGroups(List.of(groupId), (short) 5).join().get(0);
    }

    GroupState state(String groupId) {
        String name = describe(groupId).groupState();
        for (GroupState state : GroupState.values()) {
            if (state.toString().equals(name)) {
                return state;
            }
        }
        throw new AssertionError("unknown state " + name);
    }

    /** Commits offsets {@code partition -> offset} of one topic as a member (or the admin, with generation -1). */
    OffsetCommitResponseData commit(String groupId, int generation, String memberId, String instanceId, short version,
                                    String topic, Map<Integer, Long> offsets) {
        OffsetCommitRequestTopic requestTopic = new OffsetCommitRequestTopic().setName(topic);
        offsets.forEach((partition, offset) -> requestTopic.partitions().add(new OffsetCommitRequestPartition()
                .setPartitionIndex(partition).setCommittedOffset(offset).setCommittedLeaderEpoch(3)
                .setCommittedMetadata("meta-" + offset)));
        return coordinator.commitOffsets(new OffsetCommitRequestData().setGroupId(groupId)
                .setGenerationIdOrMemberEpoch(generation).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setTopics(List.of(requestTopic)), version).join();
    }

    OffsetCommitResponseData adminCommit(String groupId, String topic, Map<Integer, Long> offsets) {
        return commit(groupId, -1, "", null, (short) 9, topic, offsets);
    }

    /** @return the committed offsets of the partitions (-1 where none) as fetched with OffsetFetch v9 */
    Map<TopicPartition, Long> fetch(String groupId, String topic, int... partitions) {
        List<Integer> indexes = new ArrayList<>();
        for (int p : partitions) {
            indexes.add(p);
        }
        OffsetFetchResponseGroup group = coordinator.fetchOffsets(new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId(groupId).setTopics(List.of(
                        new OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(indexes))))), (short) 9)
                .join().groups().get(0);
        assertThat(group.errorCode()).isEqualTo(Errors.NONE.code());
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        group.topics().forEach(t -> t.partitions().forEach(p ->
                result.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset())));
        return result;
    }

    static JoinGroupRequestProtocolCollection protocols(String assignor, String... topics) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(assignor).setMetadata(subscription(topics)));
        return protocols;
    }

    static JoinGroupRequestProtocolCollection protocols(List<String> assignors, String... topics) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        assignors.forEach(name -> protocols.add(new JoinGroupRequestProtocol().setName(name)
                .setMetadata(subscription(topics))));
        return protocols;
    }

    static byte[] subscription(String... topics) {
        return Utils.toArray(ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics))));
    }

    static byte[] assignment(TopicPartition... partitions) {
        return Utils.toArray(ConsumerProtocol.serializeAssignment(new Assignment(List.of(partitions))));
    }

    static List<TopicPartition> partitions(byte[] assignment) {
        return ConsumerProtocol.deserializeAssignment(java.nio.ByteBuffer.wrap(assignment)).partitions();
    }
}
