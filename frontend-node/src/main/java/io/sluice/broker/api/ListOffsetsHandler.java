package io.sluice.broker.api;

import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.broker.tiering.RemoteReads;
import io.sluice.storage.log.OffsetAndTimestamp;
import io.sluice.storage.log.PartitionLog;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * ListOffsets (API key 2, versions 1 to 11).
 *
 * <p>Special timestamps (Kafka protocol guide; KIP-734, KIP-405, KIP-1005, KIP-1023): -2 earliest (the log start
 * offset, which with tiered storage may lie in remote storage), -1 latest (the high watermark, equal to the last stable
 * offset since Sluice has no transactions; the log end offset for a follower broker's request), -3 the offset of the
 * largest timestamp (local segments), -4 earliest local (the local log start offset), -5 latest tiered (the highest
 * offset in remote storage, -1 if none), -6 earliest pending upload (the first offset not yet in remote storage; -1
 * without remote storage). A timestamp ≥ 0 finds the first offset whose timestamp is at least that: first in remote
 * segments whose max timestamp reaches it (their time index objects), then in the local time index; none gives
 * offset -1. Lookups in remote storage are asynchronous.
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
 * UNKNOWN_LEADER_EPOCH, and the remote store's error (e.g. KAFKA_STORAGE_ERROR) for a failed remote lookup.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private static final OffsetAndTimestamp NOT_FOUND = new OffsetAndTimestamp(-1L, -1L, -1);

    private final ReplicaManager replicaManager;
    private final Supplier<Optional<RemoteReads>> remoteReads;

    /**
     * @param remoteReads remote storage reads when tiered storage is on (empty otherwise)
     */
    public ListOffsetsHandler(ReplicaManager replicaManager, Supplier<Optional<RemoteReads>> remoteReads) {
        this.replicaManager = replicaManager;
        this.remoteReads = remoteReads;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListOffsetsRequest request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition partition : topic.partitions()) {
                ListOffsetsPartitionResponse partitionResponse = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(partition.partitionIndex());
                topicResponse.partitions().add(partitionResponse);
                pending.add(lookup(new TopicPartition(topic.name(), partition.partitionIndex()), partition,
                        request.data().replicaId() >= 0)
                        .handle((found, error) -> {
                            if (error == null) {
                                partitionResponse.setErrorCode(Errors.NONE.code()).setOffset(found.offset())
                                        .setTimestamp(found.timestamp()).setLeaderEpoch(found.leaderEpoch());
                            } else {
                                partitionResponse.setErrorCode(Errors.forException(unwrap(error)).code())
                                        .setOffset(-1).setTimestamp(-1);
                            }
                            return null;
                        }));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<OffsetAndTimestamp> lookup(TopicPartition tp,
                                                         ListOffsetsRequestData.ListOffsetsPartition request,
                                                         boolean fromReplica) {
        try {
            Partition partition = replicaManager.getPartitionOrException(tp);
            partition.validateLeaderEpoch(request.currentLeaderEpoch() < 0
                    ? Optional.empty() : Optional.of(request.currentLeaderEpoch()));
            if (!partition.isLeader() && !fromReplica) {
                throw new NotLeaderOrFollowerException("broker is not the leader of " + tp);
            }
            return find(partition, request.timestamp(), fromReplica);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<OffsetAndTimestamp> find(Partition partition, long timestamp, boolean fromReplica) {
        PartitionLog log = partition.log();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            // Followers resetting their fetch position need the log end offset; consumers see the high watermark.
            return done(new OffsetAndTimestamp(fromReplica ? partition.logEndOffset() : partition.highWatermark(), -1L,
                    log.leaderEpochCache().latestEpoch().orElse(-1)));
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP) {
            return done(atOffset(log, partition.logStartOffset()));
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return done(atOffset(log, log.localLogStartOffset()));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            long highest = log.highestOffsetInRemoteStorage();
            return done(highest < 0 ? NOT_FOUND : atOffset(log, highest));
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            if (!log.config().remoteStorageEnable()) {
                return done(NOT_FOUND);
            }
            long next = Math.max(log.highestOffsetInRemoteStorage() + 1, partition.logStartOffset());
            return done(atOffset(log, next));
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return done(log.maxTimestampOffset().orElse(NOT_FOUND));
        }
        long highWatermark = partition.highWatermark();
        Optional<RemoteReads> remote = remoteReads.get();
        if (remote.isPresent() && log.logStartOffset() < log.localLogStartOffset()) {
            return remote.get().offsetForTimestamp(partition.topicIdPartition(), timestamp, log.logStartOffset())
                    .thenApply(found -> found
                            .filter(f -> f.offset < log.localLogStartOffset())
                            .map(f -> new OffsetAndTimestamp(f.offset, f.timestamp,
                                    f.leaderEpoch.orElseGet(() -> log.leaderEpochCache().epochForOffset(f.offset)
                                            .orElse(-1))))
                            .orElseGet(() -> localOffsetForTimestamp(log, timestamp, highWatermark)));
        }
        return done(localOffsetForTimestamp(log, timestamp, highWatermark));
    }

    private static OffsetAndTimestamp localOffsetForTimestamp(PartitionLog log, long timestamp, long highWatermark) {
        return log.offsetForTimestamp(timestamp).filter(found -> found.offset() < highWatermark).orElse(NOT_FOUND);
    }

    private static OffsetAndTimestamp atOffset(PartitionLog log, long offset) {
        return new OffsetAndTimestamp(offset, -1L, log.leaderEpochCache().epochForOffset(offset).orElse(-1));
    }

    private static CompletableFuture<OffsetAndTimestamp> done(OffsetAndTimestamp value) {
        return CompletableFuture.completedFuture(value);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
