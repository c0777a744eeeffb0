package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.broker.partition.FetchResult;
import io.sluice.broker.partition.Partition;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * "The next records for group G" (Sluice's own):
 * {@code GET .../consumer-groups/{consumer_group_id}/topics/{topic_name}/partitions/{partition_id}/records}.
 *
 * <p>An HTTP consumer loops: fetch here, process the records, commit {@code next_offset} with
 * {@code POST .../consumer-groups/{consumer_group_id}/offsets} ({@link GroupOffsetRoutes}), fetch again. A record is
 * then processed at least once: a consumer that fails before committing gets the same records again.
 *
 * <p>The fetch starts at the group's committed offset of the partition, read through the Admin client (the group's
 * coordinator may be another broker). Without a committed offset, or with one outside [log start offset, log end
 * offset] (records deleted by retention), it starts where {@code auto_offset_reset} says, as Kafka's consumer
 * does: {@code earliest} (the log start offset), {@code latest} (the high watermark; the default, as Kafka's
 * {@code auto.offset.reset}) or {@code none}: 404 (40407) without a committed offset (Kafka's consumer throws
 * NoOffsetForPartitionException), 416 OFFSET_OUT_OF_RANGE with one out of range. The group's offsets are not changed
 * by fetching; the position moves only when the client commits.
 *
 * <p>Other query parameters, the binary format and the errors are those of the partition fetch
 * ({@link FetchRoutes}, {@link PartitionFetch}): {@code max_bytes}, {@code timeout_ms} (a long poll),
 * {@code format}; 404 unknown topic or partition; 503 NOT_LEADER_OR_FOLLOWER when this broker does not lead the
 * partition. JSON answers a {@link GroupFetchResponse}; binary answers the batches with the partition fetch's headers
 * plus {@code X-Sluice-Fetch-Offset} (the first batch may begin before it: skip those records). Other errors: 400 bad
 * {@code auto_offset_reset}; 503 when the group's coordinator cannot be reached. An unknown group is no error here:
 * it simply has no committed offsets yet.
 */
final class GroupFetchRoutes {
    static final String RECORDS = ConsumerGroupRoutes.GROUP + "/topics/{topic_name}/partitions/{partition_id}/records";
    static final String FETCH_OFFSET_HEADER = "X-Sluice-Fetch-Offset";

    private final HttpApiServer.Services services;
    private final ConsumerGroupQueries queries;
    private final AsyncResponder responder;

    /** Kafka's {@code auto.offset.reset}. */
    enum OffsetReset { EARLIEST, LATEST, NONE }

    /** Where a fetch starts and why. */
    private record Position(long offset, String source, Long committed) {
    }

    private record Outcome(Position position, FetchResult result) {
    }

    GroupFetchRoutes(HttpApiServer.Services services, ConsumerGroupQueries queries, AsyncResponder responder) {
        this.services = services;
        this.queries = queries;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(RECORDS, this::fetch);
    }

    private void fetch(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        PartitionFetch fetch = PartitionFetch.resolve(ctx, scope, services.replicaManager());
        OffsetReset reset = offsetReset(ctx);
        CompletableFuture<Outcome> outcome = queries.committedOffset(groupId, fetch.tp())
                .thenComposeAsync(committed -> {
                    Position position = position(groupId, fetch.tp(), fetch.partition(), committed, reset);
                    return fetch.read(services.replicaManager(), position.offset())
                            .thenApply(result -> new Outcome(position, result));
                }, responder.executor());
        responder.respond(ctx, outcome, (c, o) -> answer(c, groupId, fetch, o));
    }

    /** Kafka's consumer position rules: the committed offset if it is in range, else {@code auto.offset.reset}. */
    private static Position position(String groupId, TopicPartition tp, Partition partition,
                                     Optional<OffsetAndMetadata> committed, OffsetReset reset) {
        if (committed.isPresent()) {
            long offset = committed.get().offset();
            long logStart = partition.logStartOffset();
            long logEnd = partition.logEndOffset();
            if (offset >= logStart && offset <= logEnd) {
                return new Position(offset, "committed", offset);
            }
            if (reset == OffsetReset.NONE) {
                throw new HttpApiException(416, HttpApiException.OFFSET_OUT_OF_RANGE, Errors.OFFSET_OUT_OF_RANGE,
                        "the committed offset " + offset + " of consumer group '" + groupId + "' for " + tp
                                + " is outside [" + logStart + ", " + logEnd + "] and auto_offset_reset is none");
            }
            return reset(partition, reset, offset);
        }
        if (reset == OffsetReset.NONE) {
            throw new HttpApiException(404, HttpApiException.NO_COMMITTED_OFFSET, null, "consumer group '" + groupId
                    + "' has no committed offset for " + tp + " and auto_offset_reset is none (Kafka's consumer "
                    + "throws NoOffsetForPartitionException); commit a starting offset or use earliest or latest");
        }
        return reset(partition, reset, null);
    }

    private static Position reset(Partition partition, OffsetReset reset, Long committed) {
        return reset == OffsetReset.EARLIEST
                ? new Position(partition.logStartOffset(), "earliest", committed)
                : new Position(partition.highWatermark(), "latest", committed);
    }

    private static void answer(Context ctx, String groupId, PartitionFetch fetch, Outcome outcome) {
        FetchResult result = outcome.result();
        long fetchOffset = outcome.position().offset();
        long nextOffset = FetchedBatches.nextOffset(result.records(), fetchOffset);
        if (fetch.binary()) {
            ctx.header(FETCH_OFFSET_HEADER, Long.toString(fetchOffset));
            PartitionFetch.answerBinary(ctx, result, nextOffset);
        } else {
            TopicPartition tp = fetch.tp();
            Responses.json(ctx, 200, new GroupFetchResponse(groupId, tp.topic(), tp.partition(), fetchOffset,
                    outcome.position().source(), outcome.position().committed(),
                    FetchedBatches.toJson(result.records(), tp.partition(), fetchOffset), nextOffset,
                    result.highWatermark(), result.logStartOffset(), result.logEndOffset()));
        }
    }

    private static OffsetReset offsetReset(Context ctx) {
        String raw = Params.queryString(ctx, "auto_offset_reset").orElse("latest").trim();
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "earliest" -> OffsetReset.EARLIEST;
            case "latest" -> OffsetReset.LATEST;
            case "none" -> OffsetReset.NONE;
            default -> throw HttpApiException.malformed("auto_offset_reset must be earliest, latest or none, got '"
                    + raw + "'");
        };
    }
}
