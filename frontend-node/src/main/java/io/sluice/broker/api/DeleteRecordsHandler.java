package io.sluice.broker.api;

import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords (API key 21, versions 0 to 2; KIP-107): advances a partition's log start offset to the given
 * offset (-1 means the high watermark); the segments wholly below it are deleted by the retention task. Returns
 * the new low watermark (log start offset).
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE (above the
 * high watermark).
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final ReplicaManager replicaManager;

    public DeleteRecordsHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition p : topic.partitions()) {
                topicResult.partitions().add(delete(new TopicPartition(topic.name(), p.partitionIndex()), p.offset()));
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    private DeleteRecordsPartitionResult delete(TopicPartition tp, long offset) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition());
        try {
            Partition partition = replicaManager.getPartitionOrException(tp);
            if (!partition.isLeader()) {
                throw new NotLeaderOrFollowerException("not the leader of " + tp);
            }
            long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? partition.highWatermark() : offset;
            if (target < 0 || target > partition.highWatermark()) {
                throw new OffsetOutOfRangeException("offset " + offset + " is outside [0, high watermark "
                        + partition.highWatermark() + "] of " + tp);
            }
            partition.log().maybeIncrementLogStartOffset(target);
            return result.setErrorCode(Errors.NONE.code()).setLowWatermark(partition.logStartOffset());
        } catch (RuntimeException e) {
            return result.setErrorCode(Errors.forException(e).code()).setLowWatermark(-1);
        }
    }
}
