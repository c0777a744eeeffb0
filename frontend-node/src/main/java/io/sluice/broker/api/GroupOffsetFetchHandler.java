package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * OffsetFetch (API key 9, versions 1 to 10) served by the group coordinator: a group's committed offsets, -1 for
 * partitions without a commit (so a consumer falls back to {@code auto.offset.reset}). v2+ may ask for every
 * committed partition (null topics); v7+ {@code require_stable} needs no waiting (no transactional commits); v8+
 * batches groups; v10 names topics by topic id (KIP-848).
 *
 * <p>Errors: per group (top level before v8) INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS (v1:
 * on every partition); per partition UNKNOWN_TOPIC_ID (v10, a topic id that does not exist). Before v10 topics that
 * do not exist simply have no committed offset, as in Kafka.
 */
public final class GroupOffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> metadata;

    public GroupOffsetFetchHandler(GroupCoordinator coordinator, Supplier<MetadataImage> metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetFetchRequest request) {
        short version = context.apiVersion();
        if (!OffsetFetchRequest.useTopicIds(version)) {
            return coordinator.fetchOffsets(request.data(), version).thenApply(data -> data.setThrottleTimeMs(0));
        }
        MetadataImage image = metadata.get();
        OffsetFetchRequestData resolved = request.data().duplicate();
        List<List<Boolean>> knownTopics = new ArrayList<>();
        for (OffsetFetchRequestGroup group : resolved.groups()) {
            List<Boolean> known = new ArrayList<>();
            if (group.topics() != null) {
                List<OffsetFetchRequestTopics> kept = new ArrayList<>();
                for (OffsetFetchRequestTopics topic : group.topics()) {
                    Optional<TopicMetadata> meta = image.topic(topic.topicId());
                    known.add(meta.isPresent());
                    meta.ifPresent(m -> kept.add(topic.setName(m.name())));
                }
                group.setTopics(kept);
            }
            knownTopics.add(known);
        }
        return coordinator.fetchOffsets(resolved, version).thenApply(response -> {
            for (int i = 0; i < response.groups().size(); i++) {
                OffsetFetchRequestGroup requested = request.data().groups().get(i);
                fillTopicIds(response.groups().get(i), requested, knownTopics.get(i), image);
            }
            return response.setThrottleTimeMs(0);
        });
    }

    /**
     * Sets topic ids on the coordinator's (named) answer: for requested topics, in request order with UNKNOWN_TOPIC_ID
     * for ids that do not exist; for "all topics", dropping topics that no longer exist.
     */
    private static void fillTopicIds(OffsetFetchResponseGroup group, OffsetFetchRequestGroup requested,
                                     List<Boolean> known, MetadataImage image) {
        if (group.errorCode() != Errors.NONE.code()) {
            return;
        }
        List<OffsetFetchResponseTopics> topics = new ArrayList<>();
        if (requested.topics() == null) {
            for (OffsetFetchResponseTopics topic : group.topics()) {
                image.topic(topic.name()).ifPresent(meta -> topics.add(topic.setTopicId(meta.topicId())));
            }
        } else {
            int next = 0;
            for (int i = 0; i < requested.topics().size(); i++) {
                OffsetFetchRequestTopics topic = requested.topics().get(i);
                topics.add(known.get(i) ? group.topics().get(next++).setTopicId(topic.topicId())
                        : unknownTopicId(topic.topicId(), topic.partitionIndexes()));
            }
        }
        group.setTopics(topics);
    }

    private static OffsetFetchResponseTopics unknownTopicId(Uuid topicId, List<Integer> partitions) {
        OffsetFetchResponseTopics topic = new OffsetFetchResponseTopics().setTopicId(topicId);
        partitions.forEach(p -> topic.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(p)
                .setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET).setCommittedLeaderEpoch(-1)
                .setMetadata(OffsetFetchResponse.NO_METADATA).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())));
        return topic;
    }
}
