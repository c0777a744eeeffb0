package io.sluice.broker.api;

import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch (API key 9, versions 1 to 10; v8+ batches groups, v10 names topics by id).
 *
 * <p>Sluice does not store committed offsets yet (OffsetCommit is not advertised, so clients that try to commit
 * fail fast with an UnsupportedVersionException): every requested partition truthfully has no committed offset
 * (offset -1), which makes a consumer with a {@code group.id} that {@code assign()}s partitions, such as
 * {@code kafka-console-consumer --partition}, start from its {@code auto.offset.reset} position. Group
 * coordination and durable offsets arrive with the consumer-groups issue.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetFetchRequest request) {
        OffsetFetchRequestData data = request.data();
        OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(Errors.NONE.code());
        if (context.apiVersion() < 8) {
            if (data.topics() != null) {
                for (OffsetFetchRequestData.OffsetFetchRequestTopic topic : data.topics()) {
                    OffsetFetchResponseTopic out = new OffsetFetchResponseTopic().setName(topic.name());
                    for (int partition : topic.partitionIndexes()) {
                        out.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(partition)
                                .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                                .setErrorCode(Errors.NONE.code()));
                    }
                    response.topics().add(out);
                }
            }
            return CompletableFuture.completedFuture(response);
        }
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : data.groups()) {
            OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(group.groupId())
                    .setErrorCode(Errors.NONE.code());
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = group.topics();
            if (topics != null) {
                for (OffsetFetchRequestData.OffsetFetchRequestTopics topic : topics) {
                    OffsetFetchResponseTopics t = new OffsetFetchResponseTopics().setName(topic.name())
                            .setTopicId(topic.topicId());
                    for (int partition : topic.partitionIndexes()) {
                        t.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(partition)
                                .setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                                .setErrorCode(Errors.NONE.code()));
                    }
                    out.topics().add(t);
                }
            }
            response.groups().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }
}
