package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit, OffsetFetch and OffsetDelete against the {@link OffsetStore}, with Kafka's validation
 * ({@code OffsetMetadataManager} and {@code ClassicGroup.validateOffsetCommit}).
 *
 * <p>OffsetCommit: a commit with generation -1, no member id and no instance id (the admin client,
 * {@code kafka-consumer-groups --reset-offsets}, or a consumer that {@code assign()}s) is accepted only for an Empty
 * or unknown group; otherwise the member must be known (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) and of the current
 * generation (ILLEGAL_GENERATION), and a group in CompletingRebalance answers REBALANCE_IN_PROGRESS. An unknown group
 * with a generation answers GROUP_ID_NOT_FOUND on v9+ and ILLEGAL_GENERATION before. Per partition, metadata longer
 * than {@code offset.metadata.max.bytes} gets OFFSET_METADATA_TOO_LARGE. A commit by a member of a Stable or
 * rebalancing group also resets its session timer.
 */
final class OffsetOperations {
    private final GroupRegistry groups;
    private final Rebalancer rebalancer;
    private final OffsetStore store;
    private final Time time;

    OffsetOperations(GroupRegistry groups, Rebalancer rebalancer, OffsetStore store, Time time) {
        this.groups = groups;
        this.rebalancer = rebalancer;
        this.store = store;
        this.time = time;
    }

    // ---- commit ----------------------------------------------------------------------------------------------

    CompletableFuture<OffsetCommitResponseData> commit(OffsetCommitRequestData request, short version) {
        try {
            validateCommit(request, version);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(commitResponse(request, Map.of(), Errors.forException(e)));
        }
        long now = time.milliseconds();
        int maxMetadata = rebalancer.config().offsetMetadataMaxBytes();
        Map<TopicPartition, Errors> rejected = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                if (metadata.length() > maxMetadata) {
                    rejected.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                } else {
                    accepted.put(tp, new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(),
                            metadata, now));
                }
            }
        }
        if (accepted.isEmpty()) {
            return CompletableFuture.completedFuture(commitResponse(request, rejected, Errors.NONE));
        }
        return store.commit(request.groupId(), accepted).handle((results, failure) -> {
            if (failure != null) {
                return commitResponse(request, rejected, StoreErrors.toClientError(failure, true));
            }
            Map<TopicPartition, Errors> all = new LinkedHashMap<>(rejected);
            results.forEach((tp, error) -> all.put(tp, StoreErrors.toClientError(error, true)));
            return commitResponse(request, all, Errors.NONE);
        });
    }

    private void validateCommit(OffsetCommitRequestData request, short version) {
        ClassicGroup group = groups.get(request.groupId());
        int generation = request.generationIdOrMemberEpoch();
        if (group == null) {
            if (generation < 0) {
                return; // a "simple" group: offsets only, kept by the store
            }
            if (version >= 9) {
                throw new GroupIdNotFoundException("group " + request.groupId() + " does not exist");
            }
            throw new IllegalGenerationException("group " + request.groupId() + " does not exist");
        }
        if (group.is(GroupState.DEAD)) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return;
        }
        String memberId = request.memberId() == null ? "" : request.memberId();
        if (generation >= 0 || !memberId.isEmpty() || request.groupInstanceId() != null) {
            group.validateMember(memberId, request.groupInstanceId());
            if (generation != group.generationId()) {
                throw new IllegalGenerationException("generation " + generation + " is not the current "
                        + group.generationId() + " of group " + group.groupId());
            }
        } else if (!group.is(GroupState.EMPTY)) {
            throw new UnknownMemberIdException("group " + group.groupId() + " has members; a commit without a "
                    + "member id is only accepted for an empty group");
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            throw new RebalanceInProgressException("group " + group.groupId() + " is completing a rebalance");
        }
        if (group.is(GroupState.STABLE) || group.is(GroupState.PREPARING_REBALANCE)) {
            rebalancer.scheduleHeartbeat(group, group.member(memberId));
        }
    }

    /**
     * @param errors   per-partition results known so far
     * @param fallback the error of partitions not in {@code errors}
     */
    private static OffsetCommitResponseData commitResponse(OffsetCommitRequestData request,
                                                           Map<TopicPartition, Errors> errors, Errors fallback) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                Errors error = errors.getOrDefault(new TopicPartition(topic.name(), partition.partitionIndex()), fallback);
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }

    // ---- fetch -----------------------------------------------------------------------------------------------

    /**
     * Reads one group's committed offsets: the requested partitions (offset -1, leader epoch -1 and metadata "" for
     * those without a commit), or every committed partition when {@code topics} is null. A Dead group reads as having
     * none. Topics are named; topic ids are the caller's business.
     */
    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request) {
        ClassicGroup group = groups.get(request.groupId());
        boolean dead = group != null && group.is(GroupState.DEAD);
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(request.groupId())
                .setErrorCode(Errors.NONE.code());
        if (request.topics() == null) {
            Map<TopicPartition, CommittedOffset> all = dead ? Map.of() : store.fetch(request.groupId(), Optional.empty());
            Map<String, OffsetFetchResponseTopics> byTopic = new TreeMap<>();
            all.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<TopicPartition, CommittedOffset> e) -> e.getKey().topic())
                            .thenComparingInt(e -> e.getKey().partition()))
                    .forEach(e -> byTopic.computeIfAbsent(e.getKey().topic(),
                                    name -> new OffsetFetchResponseTopics().setName(name))
                            .partitions().add(partition(e.getKey().partition(), e.getValue())));
            response.topics().addAll(byTopic.values());
            return response;
        }
        List<TopicPartition> wanted = new ArrayList<>();
        request.topics().forEach(topic -> topic.partitionIndexes()
                .forEach(p -> wanted.add(new TopicPartition(topic.name(), p))));
        Map<TopicPartition, CommittedOffset> found = dead ? Map.of() : store.fetch(request.groupId(), Optional.of(wanted));
        for (OffsetFetchRequestTopics topic : request.topics()) {
            OffsetFetchResponseTopics out = new OffsetFetchResponseTopics().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (int p : topic.partitionIndexes()) {
                out.partitions().add(partition(p, found.get(new TopicPartition(topic.name(), p))));
            }
            response.topics().add(out);
        }
        return response;
    }

    private static OffsetFetchResponsePartitions partition(int index, CommittedOffset offset) {
        OffsetFetchResponsePartitions partition = new OffsetFetchResponsePartitions().setPartitionIndex(index)
                .setErrorCode(Errors.NONE.code());
        if (offset == null) {
            return partition.setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET)
                    .setCommittedLeaderEpoch(CommittedOffset.NO_LEADER_EPOCH).setMetadata(OffsetFetchResponse.NO_METADATA);
        }
        return partition.setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    // ---- delete ----------------------------------------------------------------------------------------------

    /**
     * OffsetDelete: GROUP_ID_NOT_FOUND for an unknown (or Dead) group; NON_EMPTY_GROUP for a group with members
     * that does not use the consumer protocol; per partition GROUP_SUBSCRIBED_TO_TOPIC when a live member
     * subscribes to the topic. Other partitions' offsets are deleted (absent ones silently).
     */
    CompletableFuture<OffsetDeleteResponseData> delete(OffsetDeleteRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        try {
            validateDelete(request.groupId(), group);
        } catch (KafkaException e) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponseData().setErrorCode(Errors.forException(e).code()));
        }
        OffsetDeleteResponseTopicCollection topics = new OffsetDeleteResponseTopicCollection();
        List<TopicPartition> deletable = new ArrayList<>();
        request.topics().forEach(topic -> {
            boolean subscribed = group != null && !group.is(GroupState.EMPTY) && group.isSubscribedToTopic(topic.name());
            OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
            topic.partitions().forEach(partition -> {
                Errors error = subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                partitions.add(new OffsetDeleteResponsePartition().setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(error.code()));
                if (!subscribed) {
                    deletable.add(new TopicPartition(topic.name(), partition.partitionIndex()));
                }
            });
            topics.add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
        });
        OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(Errors.NONE.code())
                .setTopics(topics);
        if (deletable.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return store.deleteOffsets(request.groupId(), deletable).handle((ignored, failure) -> failure == null
                ? response
                : new OffsetDeleteResponseData().setErrorCode(StoreErrors.toClientError(failure, false).code()));
    }

    private void validateDelete(String groupId, ClassicGroup group) {
        if (group == null) {
            if (!store.hasOffsets(groupId)) {
                throw new GroupIdNotFoundException("group " + groupId + " does not exist");
            }
            return;
        }
        switch (group.state()) {
            case DEAD -> throw new GroupIdNotFoundException("group " + groupId + " is dead");
            case STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE -> {
                if (!group.usesConsumerProtocol()) {
                    throw new GroupNotEmptyException("group " + groupId + " has members");
                }
            }
            default -> { }
        }
    }
}
