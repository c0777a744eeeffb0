package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetDeleteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * OffsetDelete (API key 47, version 0; {@code kafka-consumer-groups --delete-offsets}, KIP-496): deletes a group's
 * committed offsets for some partitions.
 *
 * <p>Errors: top level INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, GROUP_ID_NOT_FOUND,
 * NON_EMPTY_GROUP (a group with members that does not use the consumer protocol), COORDINATOR_NOT_AVAILABLE; per
 * partition UNKNOWN_TOPIC_OR_PARTITION (no such partition) and GROUP_SUBSCRIBED_TO_TOPIC (a live member subscribes
 * to the topic).
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> metadata;

    public OffsetDeleteHandler(GroupCoordinator coordinator, Supplier<MetadataImage> metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetDeleteRequest request) {
        MetadataImage image = metadata.get();
        OffsetDeleteRequestData known = new OffsetDeleteRequestData().setGroupId(request.data().groupId());
        List<TopicPartition> unknown = new ArrayList<>();
        for (OffsetDeleteRequestTopic topic : request.data().topics()) {
            OffsetDeleteRequestTopic kept = new OffsetDeleteRequestTopic().setName(topic.name());
            for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                if (image.partition(tp).isPresent()) {
                    kept.partitions().add(partition.duplicate());
                } else {
                    unknown.add(tp);
                }
            }
            if (!kept.partitions().isEmpty()) {
                known.topics().add(kept);
            }
        }
        return coordinator.deleteOffsets(known).thenApply(response -> {
            response.setThrottleTimeMs(0);
            if (response.errorCode() == Errors.NONE.code()) {
                unknown.forEach(tp -> addError(response, tp, Errors.UNKNOWN_TOPIC_OR_PARTITION));
            }
            return response;
        });
    }

    private static void addError(OffsetDeleteResponseData response, TopicPartition tp, Errors error) {
        OffsetDeleteResponseTopic topic = response.topics().find(tp.topic());
        if (topic == null) {
            topic = new OffsetDeleteResponseTopic().setName(tp.topic());
            response.topics().add(topic);
        }
        if (topic.partitions().find(tp.partition()) == null) {
            topic.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(tp.partition())
                    .setErrorCode(error.code()));
        }
    }
}
