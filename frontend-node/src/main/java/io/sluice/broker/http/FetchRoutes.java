package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.broker.partition.FetchResult;
import io.sluice.broker.partition.Partition;

import java.util.Locale;

/**
 * Fetch (Sluice's own; REST Proxy v3 has none):
 * {@code GET /v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/records}.
 *
 * <p>Query parameters (the last three read by {@link PartitionFetch}):
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
        PartitionFetch fetch = PartitionFetch.resolve(ctx, scope, services.replicaManager());
        long offset = offset(ctx, fetch.partition());
        responder.respond(ctx, fetch.read(services.replicaManager(), offset),
                (c, result) -> answer(c, fetch, offset, result));
    }

    private static void answer(Context ctx, PartitionFetch fetch, long offset, FetchResult result) {
        long nextOffset = FetchedBatches.nextOffset(result.records(), offset);
        if (fetch.binary()) {
            PartitionFetch.answerBinary(ctx, result, nextOffset);
        } else {
            Responses.json(ctx, 200, new FetchResponse(
                    FetchedBatches.toJson(result.records(), fetch.tp().partition(), offset), nextOffset,
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
}
