package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.broker.partition.FetchParams;
import io.sluice.broker.partition.FetchResult;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.PartitionFetchRequest;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Fetch (Sluice's own; REST Proxy v3 has none):
 * {@code GET /v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/records}.
 *
 * <p>Query parameters:
 * <ul>
 *   <li>{@code offset}: the first offset wanted (inclusive), or {@code earliest} (the log start offset, the
 *       default) or {@code latest} (the high watermark: only records appended from now on);</li>
 *   <li>{@code max_bytes}: the byte budget of record batches, default 1 MiB; as in Kafka's Fetch, the first batch is
 *       returned whole even when larger, so a fetch always progresses;</li>
 *   <li>{@code timeout_ms}: how long to wait when there is nothing at {@code offset} yet (a long poll, woken by
 *       appends; Kafka's {@code max_wait_ms} with {@code min_bytes} 1), default 0, at most 300000;</li>
 *   <li>{@code format}: {@code json} (default) or {@code binary}; {@code Accept: application/octet-stream} also asks
 *       for binary.</li>
 * </ul>
 * JSON answers a {@link FetchResponse}. Binary answers the whole record batches exactly as stored (format v2; the
 * first batch may start before {@code offset}) with headers {@code X-Sluice-Next-Offset},
 * {@code X-Sluice-High-Watermark} and {@code X-Sluice-Log-Start-Offset}. Only committed records (below the high
 * watermark) are returned, as to a READ_UNCOMMITTED Kafka consumer. Errors: 404 unknown topic or partition; 416
 * OFFSET_OUT_OF_RANGE (offset outside [log start offset, log end offset]); 503 NOT_LEADER_OR_FOLLOWER when this
 * broker does not lead the partition.
 */
final class FetchRoutes {
    static final String RECORDS = PartitionRoutes.PARTITION + "/records";
    static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    static final int MAX_MAX_BYTES = 64 * 1024 * 1024;
    static final int MAX_TIMEOUT_MS = 300_000;
    static final String NEXT_OFFSET_HEADER = "X-Sluice-Next-Offset";
    static final String HIGH_WATERMARK_HEADER = "X-Sluice-High-Watermark";
    static final String LOG_START_OFFSET_HEADER = "X-Sluice-Log-Start-Offset";

    private final HttpApiServer.Services services;
    private final AsyncResponder responder;

    FetchRoutes(HttpApiServer.Services services, AsyncResponder responder) {
        this.services = services;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(RECORDS, this::fetch);
    }

    private void fetch(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        int partitionId = Params.pathInt(ctx, PartitionRoutes.PARTITION_PARAM, 0, Integer.MAX_VALUE);
        scope.partition(topic, partitionId);
        TopicPartition tp = new TopicPartition(topic.name(), partitionId);
        Partition partition = services.replicaManager().partition(tp).orElseThrow(() ->
                LeaderHint.notLeader(scope.image(), tp, services.replicaManager().localBrokerId()));
        long offset = offset(ctx, partition);
        int maxBytes = Params.queryInt(ctx, "max_bytes", 1, MAX_MAX_BYTES, DEFAULT_MAX_BYTES);
        long timeoutMs = Params.queryLong(ctx, "timeout_ms", 0, MAX_TIMEOUT_MS).orElse(0L);
        boolean binary = binary(ctx);

        LinkedHashMap<TopicPartition, PartitionFetchRequest> request = new LinkedHashMap<>();
        request.put(tp, new PartitionFetchRequest(offset, maxBytes, Optional.empty()));
        FetchParams params = new FetchParams(-1, timeoutMs, 1, maxBytes, IsolationLevel.READ_UNCOMMITTED);
        responder.respond(ctx, services.replicaManager().fetch(params, request),
                (c, results) -> answer(c, tp, offset, binary, results));
    }

    private static void answer(Context ctx, TopicPartition tp, long offset, boolean binary,
                               Map<TopicPartition, FetchResult> results) {
        FetchResult result = results.get(tp);
        if (result == null) {
            throw ErrorMapper.fromKafka(Errors.UNKNOWN_SERVER_ERROR, "no fetch result for " + tp);
        }
        if (result.error() != Errors.NONE) {
            throw ErrorMapper.fromKafka(result.error(), result.error() == Errors.OFFSET_OUT_OF_RANGE
                    ? "offset " + offset + " of " + tp + " is out of range" : null);
        }
        long nextOffset = FetchedBatches.nextOffset(result.records(), offset);
        if (binary) {
            ctx.header(NEXT_OFFSET_HEADER, Long.toString(nextOffset));
            ctx.header(HIGH_WATERMARK_HEADER, Long.toString(result.highWatermark()));
            ctx.header(LOG_START_OFFSET_HEADER, Long.toString(result.logStartOffset()));
            Responses.bytes(ctx, 200, Responses.OCTET_STREAM, FetchedBatches.toBytes(result.records()));
        } else {
            Responses.json(ctx, 200, new FetchResponse(
                    FetchedBatches.toJson(result.records(), tp.partition(), offset), nextOffset,
                    result.highWatermark(), result.logStartOffset(), result.logEndOffset()));
        }
    }

    private static long offset(Context ctx, Partition partition) {
        String raw = Params.queryString(ctx, "offset").orElse("earliest").trim().toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "earliest" -> partition.logStartOffset();
            case "latest" -> partition.highWatermark();
            default -> {
                if (raw.isEmpty() || !raw.chars().allMatch(Character::isDigit)) {
                    throw HttpApiException.malformed("offset must be earliest, latest or an offset >= 0, got '" + raw + "'");
                }
                yield Params.parseLong("offset", raw, 0, Long.MAX_VALUE);
            }
        };
    }

    private static boolean binary(Context ctx) {
        Optional<String> format = Params.queryString(ctx, "format");
        if (format.isPresent()) {
            return switch (format.get().trim().toLowerCase(Locale.ROOT)) {
                case "json" -> false;
                case "binary" -> true;
                default -> throw HttpApiException.malformed("format must be json or binary, got '" + format.get() + "'");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(Responses.OCTET_STREAM);
    }
}
