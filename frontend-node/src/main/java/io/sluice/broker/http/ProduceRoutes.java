package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.broker.partition.ProduceResult;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Produce: {@code POST /v3/clusters/{cluster_id}/topics/{topic_name}/records} (Confluent REST Proxy v3).
 *
 * <p>The body is decoded by {@link ProduceRequestParser}; records without a partition are placed by
 * {@link RecordPartitioner}; each partition's records become one batch ({@link PartitionBatches}) appended through
 * {@link io.sluice.broker.partition.ReplicaManager#appendRecords}. The answer is sent only after the append
 * completes (for acks=all: once the high watermark passed the batch), so an acknowledged record is never lost.
 *
 * <p>Statuses: a single record answers 200 with a {@link ProduceResponseEntry}, or the error's status with the
 * error body. A batch answers {@code {"results": [...]}}, one entry per record in request order; the status is 200
 * when every record was appended, else the status of the first failed record (the body still tells which records
 * were appended, with their offsets). Errors: 400 malformed body, bad acks, INVALID_RECORD, INVALID_TIMESTAMP; 404
 * unknown topic (40401) or partition (40402); 413 MESSAGE_TOO_LARGE (a batch over the topic's
 * {@code max.message.bytes}) or a body over the HTTP limit (41302); 503 NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT,
 * NOT_LEADER_OR_FOLLOWER (this broker does not lead the partition: produce to the leader's broker).
 */
final class ProduceRoutes {
    static final String RECORDS = TopicRoutes.TOPIC + "/records";

    private final HttpApiServer.Services services;
    private final RequestBody requestBody;
    private final AsyncResponder responder;
    private final RecordPartitioner partitioner = new RecordPartitioner();
    private final Time time;

    ProduceRoutes(HttpApiServer.Services services, RequestBody requestBody, AsyncResponder responder, Time time) {
        this.services = services;
        this.requestBody = requestBody;
        this.responder = responder;
        this.time = time;
    }

    void register(Javalin app) {
        app.post(RECORDS, this::produce);
    }

    private void produce(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        byte[] body = requestBody.read(ctx);
        ProduceRequest request = Responses.OCTET_STREAM.equals(RequestBody.mediaType(ctx))
                ? ProduceRequestParser.parseBinary(ctx, body)
                : ProduceRequestParser.parseJson(ctx, Json.parse(body));
        PartitionBatches batches = new PartitionBatches();
        long now = time.milliseconds();
        for (ProduceRecord record : request.records()) {
            int partition = partitioner.partition(topic.name(), topic.partitionCount(),
                    record.partition().orElse(-1), record.key().bytes());
            batches.add(new TopicPartition(topic.name(), partition), record.timestamp().orElse(now),
                    record.key().bytes(), record.value().bytes(), record.headers());
        }
        responder.respond(ctx,
                services.replicaManager().appendRecords(request.timeoutMs(), request.acks(), batches.build()),
                (c, results) -> answer(c, scope, topic.name(), request, batches, results));
    }

    private void answer(Context ctx, ClusterScope scope, String topic, ProduceRequest request,
                        PartitionBatches batches, Map<TopicPartition, ProduceResult> results) {
        String clusterId = scope.clusterId();
        List<ProduceResponseEntry> entries = new ArrayList<>(batches.size());
        HttpApiException firstFailure = null;
        for (int i = 0; i < batches.size(); i++) {
            TopicPartition tp = batches.partitionOf(i);
            ProduceResult result = results.getOrDefault(tp,
                    ProduceResult.failed(Errors.UNKNOWN_SERVER_ERROR, "no append result for " + tp));
            ProduceRecord record = request.records().get(i);
            if (result.error() == Errors.NONE) {
                long timestamp = result.logAppendTimeMs() >= 0 ? result.logAppendTimeMs() : batches.timestamp(i);
                entries.add(ProduceResponseEntry.success(clusterId, topic, tp.partition(),
                        result.baseOffset() + batches.indexInBatch(i), timestamp, record.key(), record.value()));
            } else {
                HttpApiException error = failure(scope, tp, result);
                firstFailure = firstFailure == null ? error : firstFailure;
                entries.add(ProduceResponseEntry.failure(clusterId, topic, tp.partition(), error));
            }
        }
        int status = firstFailure == null ? 200 : firstFailure.status();
        if (request.batch()) {
            Responses.json(ctx, status, new BatchResponse(entries));
        } else {
            Responses.json(ctx, status, entries.get(0));
        }
    }

    /** UNKNOWN_TOPIC_OR_PARTITION for a partition the metadata has means this broker does not host it. */
    private HttpApiException failure(ClusterScope scope, TopicPartition tp, ProduceResult result) {
        if (result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION && scope.image().partition(tp).isPresent()) {
            return ErrorMapper.toHttp(LeaderHint.notLeader(scope.image(), tp,
                    services.replicaManager().localBrokerId()));
        }
        return ErrorMapper.fromKafka(result.error(), result.errorMessage());
    }

    /** The answer to a batch: one entry per record, in request order. */
    record BatchResponse(List<ProduceResponseEntry> results) {
    }
}
