package io.sluice.broker.http;

import io.javalin.http.Context;
import io.sluice.broker.partition.FetchParams;
import io.sluice.broker.partition.FetchResult;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.PartitionFetchRequest;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One partition read over HTTP, shared by the partition fetch ({@link FetchRoutes}) and a group's next records
 * ({@link GroupFetchRoutes}): the hosted partition named by the path ({@code {topic_name}}, {@code {partition_id}})
 * and the query parameters {@code max_bytes} (1 to 67108864, default 1048576), {@code timeout_ms} (0 to 300000,
 * default 0) and {@code format} ({@code json} or {@code binary}, or {@code Accept: application/octet-stream}).
 *
 * @param tp        the partition
 * @param partition this broker's replica of it
 * @param maxBytes  the byte budget of record batches (the first batch comes whole even when larger)
 * @param timeoutMs how long to wait for a record when there is none at the offset yet, milliseconds
 * @param binary    whether the answer is raw record batches
 */
record PartitionFetch(TopicPartition tp, Partition partition, int maxBytes, long timeoutMs, boolean binary) {
    static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    static final int MAX_MAX_BYTES = 64 * 1024 * 1024;
    static final int MAX_TIMEOUT_MS = 300_000;

    /**
     * @throws HttpApiException 404 unknown topic (40401) or partition (40402); 400 bad parameter
     * @throws org.apache.kafka.common.errors.NotLeaderOrFollowerException (503) when this broker does not host the
     *         partition, naming its leader
     */
    static PartitionFetch resolve(Context ctx, ClusterScope scope, ReplicaManager replicaManager) {
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        int partitionId = Params.pathInt(ctx, PartitionRoutes.PARTITION_PARAM, 0, Integer.MAX_VALUE);
        scope.partition(topic, partitionId);
        TopicPartition tp = new TopicPartition(topic.name(), partitionId);
        Partition partition = replicaManager.partition(tp).orElseThrow(() ->
                LeaderHint.notLeader(scope.image(), tp, replicaManager.localBrokerId()));
        int maxBytes = Params.queryInt(ctx, "max_bytes", 1, MAX_MAX_BYTES, DEFAULT_MAX_BYTES);
        long timeoutMs = Params.queryLong(ctx, "timeout_ms", 0, MAX_TIMEOUT_MS).orElse(0L);
        return new PartitionFetch(tp, partition, maxBytes, timeoutMs, binary(ctx));
    }

    /**
     * Reads committed records (below the high watermark, as a READ_UNCOMMITTED Kafka consumer) from {@code offset}.
     *
     * @return the result; fails with the result's error as an {@link HttpApiException} (416 OFFSET_OUT_OF_RANGE for
     *         an offset outside [log start offset, log end offset], 503 NOT_LEADER_OR_FOLLOWER, ...)
     */
    CompletableFuture<FetchResult> read(ReplicaManager replicaManager, long offset) {
        LinkedHashMap<TopicPartition, PartitionFetchRequest> request = new LinkedHashMap<>();
        request.put(tp, new PartitionFetchRequest(offset, maxBytes, Optional.empty()));
        FetchParams params = new FetchParams(-1, timeoutMs, 1, maxBytes, IsolationLevel.READ_UNCOMMITTED);
        return replicaManager.fetch(params, request).thenApply(results -> {
            FetchResult result = results.get(tp);
            if (result == null) {
                throw ErrorMapper.fromKafka(Errors.UNKNOWN_SERVER_ERROR, "no fetch result for " + tp);
            }
            if (result.error() != Errors.NONE) {
                throw ErrorMapper.fromKafka(result.error(), result.error() == Errors.OFFSET_OUT_OF_RANGE
                        ? "offset " + offset + " of " + tp + " is out of range" : null);
            }
            return result;
        });
    }

    /** Writes the raw batches of {@code result} with the fetch headers ({@link FetchRoutes}). */
    static void answerBinary(Context ctx, FetchResult result, long nextOffset) {
        ctx.header(FetchRoutes.NEXT_OFFSET_HEADER, Long.toString(nextOffset));
        ctx.header(FetchRoutes.HIGH_WATERMARK_HEADER, Long.toString(result.highWatermark()));
        ctx.header(FetchRoutes.LOG_START_OFFSET_HEADER, Long.toString(result.logStartOffset()));
        Responses.bytes(ctx, 200, Responses.OCTET_STREAM, FetchedBatches.toBytes(result.records()));
    }

    private static boolean binary(Context ctx) {
        Optional<String> format = Params.queryString(ctx, "format");
        if (format.isPresent()) {
            return switch (format.get().trim().toLowerCase(Locale.ROOT)) {
                case "json" -> false;
                case "binary" -> true;
                default -> throw HttpApiException.malformed("format must be json or binary, got '"
                        + format.get() + "'");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(Responses.OCTET_STREAM);
    }
}
