package io.sluice.broker.api;

import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.storage.epoch.EpochEndOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch (API key 23, versions 2 to 4; KIP-101, KIP-279, KIP-320): for a requested leader epoch,
 * the largest epoch not above it that this leader knows and that epoch's end offset (the start offset of the next
 * epoch, or the log end offset for the latest). Consumers use it to detect log truncation; followers to truncate.
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
 * UNKNOWN_LEADER_EPOCH.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    private final ReplicaManager replicaManager;

    public OffsetForLeaderEpochHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                topicResult.partitions().add(lookup(new TopicPartition(topic.topic(), p.partition()), p));
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset lookup(TopicPartition tp, OffsetForLeaderPartition request) {
        OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(tp.partition());
        try {
            Partition partition = replicaManager.getPartitionOrException(tp);
            partition.validateLeaderEpoch(request.currentLeaderEpoch() < 0
                    ? Optional.empty() : Optional.of(request.currentLeaderEpoch()));
            if (!partition.isLeader()) {
                throw new org.apache.kafka.common.errors.NotLeaderOrFollowerException("not the leader of " + tp);
            }
            EpochEndOffset found = partition.log().leaderEpochCache()
                    .endOffsetFor(request.leaderEpoch(), partition.logEndOffset());
            return result.setErrorCode(Errors.NONE.code()).setLeaderEpoch(found.epoch()).setEndOffset(found.endOffset());
        } catch (RuntimeException e) {
            return result.setErrorCode(Errors.forException(e).code()).setLeaderEpoch(-1).setEndOffset(-1);
        }
    }
}
