package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * OffsetCommit (API key 8, versions 2 to 10; v7+ carries {@code group.instance.id}, v10 names topics by topic id).
 * Stores a group's committed offsets (offset, leader epoch v6+, metadata) after the group coordinator's checks.
 * {@code retention_time_ms} (v2-4) is ignored: committed offsets do not expire in Sluice yet.
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION (a topic that does not exist, v2-9) or UNKNOWN_TOPIC_ID (v10),
 * as Kafka checks topics before the coordinator; then INVALID_GROUP_ID, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, GROUP_ID_NOT_FOUND (v9+, unknown group with a generation), ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, OFFSET_METADATA_TOO_LARGE,
 * INVALID_COMMIT_OFFSET_SIZE.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> metadata;

    public OffsetCommitHandler(GroupCoordinator coordinator, Supplier<MetadataImage> metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetCommitRequest request) {
        short version = context.apiVersion();
        boolean byTopicId = version >= 10;
        OffsetCommitRequestData data = request.data();
        MetadataImage image = metadata.get();
        OffsetCommitRequestData known = new OffsetCommitRequestData().setGroupId(data.groupId())
                .setGenerationIdOrMemberEpoch(data.generationIdOrMemberEpoch()).setMemberId(data.memberId())
                .setGroupInstanceId(data.groupInstanceId()).setRetentionTimeMs(data.retentionTimeMs());
        List<Optional<Errors>> topicErrors = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            Optional<TopicMetadata> meta = byTopicId ? image.topic(topic.topicId()) : image.topic(topic.name());
            if (meta.isEmpty()) {
                topicErrors.add(Optional.of(byTopicId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION));
            } else {
                topicErrors.add(Optional.empty());
                known.topics().add(topic.duplicate().setName(meta.get().name()).setTopicId(meta.get().topicId()));
            }
        }
        CompletableFuture<OffsetCommitResponseData> committed = known.topics().isEmpty()
                ? CompletableFuture.completedFuture(new OffsetCommitResponseData())
                : coordinator.commitOffsets(known, version);
        return committed.thenApply(result -> merge(data, topicErrors, result));
    }

    /** Puts the rejected topics back in request order, around the coordinator's answer for the known ones. */
    private static OffsetCommitResponseData merge(OffsetCommitRequestData request, List<Optional<Errors>> topicErrors,
                                                  OffsetCommitResponseData result) {
        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
        int next = 0;
        for (int i = 0; i < request.topics().size(); i++) {
            OffsetCommitRequestTopic topic = request.topics().get(i);
            OffsetCommitResponseTopic out;
            if (topicErrors.get(i).isPresent()) {
                out = new OffsetCommitResponseTopic();
                Errors error = topicErrors.get(i).get();
                topic.partitions().forEach(p -> out.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            } else {
                out = result.topics().get(next++);
            }
            response.topics().add(out.setName(topic.name()).setTopicId(topic.topicId()));
        }
        return response;
    }
}
