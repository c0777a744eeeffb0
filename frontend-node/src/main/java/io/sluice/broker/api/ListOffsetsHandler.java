package io.sluice.broker.api;

import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.storage.log.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets (API key 2, versions 1 to 11).
 *
 * <p>Special timestamps (Kafka protocol guide; KIP-734, KIP-1005): -2 earliest (the log start offset), -1 latest
 * (the high watermark, equal to the last stable offset since Sluice has no transactions; the log end offset for a
 * follower broker's request), -3 the offset of the
 * largest timestamp, -4 earliest local and -5 earliest pending upload (both the local log start offset until
 * tiered storage arrives). A timestamp ≥ 0 finds the first offset whose timestamp is at least that, through the
 * time index; none gives offset -1.
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
 * UNKNOWN_LEADER_EPOCH.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private final ReplicaManager replicaManager;

    public ListOffsetsHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListOffsetsRequest request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition partition : topic.partitions()) {
                topicResponse.partitions().add(lookup(new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition, request.data().replicaId() >= 0));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookup(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition request,
                                                boolean fromReplica) {
        ListOffsetsPartitionResponse response = new ListOffsetsPartitionResponse()
                .setPartitionIndex(tp.partition());
        try {
            Partition partition = replicaManager.getPartitionOrException(tp);
            partition.validateLeaderEpoch(request.currentLeaderEpoch() < 0
                    ? Optional.empty() : Optional.of(request.currentLeaderEpoch()));
            if (!partition.isLeader() && !fromReplica) {
                throw new NotLeaderOrFollowerException("broker is not the leader of " + tp);
            }
            OffsetAndTimestamp found = find(partition, request.timestamp(), fromReplica);
            return response.setErrorCode(Errors.NONE.code())
                    .setOffset(found.offset()).setTimestamp(found.timestamp()).setLeaderEpoch(found.leaderEpoch());
        } catch (RuntimeException e) {
            return response.setErrorCode(Errors.forException(e).code()).setOffset(-1).setTimestamp(-1);
        }
    }

    private static OffsetAndTimestamp find(Partition partition, long timestamp, boolean fromReplica) {
        int latestEpoch = partition.log().leaderEpochCache().latestEpoch().orElse(-1);
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            // Followers resetting their fetch position need the log end offset; consumers see the high watermark.
            return new OffsetAndTimestamp(fromReplica ? partition.logEndOffset() : partition.highWatermark(), -1L,
                    latestEpoch);
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            return new OffsetAndTimestamp(partition.logStartOffset(), -1L, -1);
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return partition.log().maxTimestampOffset().orElse(new OffsetAndTimestamp(-1L, -1L, -1));
        }
        return partition.log().offsetForTimestamp(timestamp)
                .filter(found -> found.offset() < partition.highWatermark())
                .orElse(new OffsetAndTimestamp(-1L, -1L, -1));
    }
}
