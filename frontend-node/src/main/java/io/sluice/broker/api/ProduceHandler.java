package io.sluice.broker.api;

import io.sluice.broker.partition.ProduceResult;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Produce (API key 0, versions 3 to 13; v13 names topics by topic ID, KIP-516).
 *
 * <p>Per-partition error codes: NONE; UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID; NOT_LEADER_OR_FOLLOWER;
 * INVALID_REQUIRED_ACKS (acks not 0, 1 or -1); CORRUPT_MESSAGE (CRC mismatch); MESSAGE_TOO_LARGE (batch over
 * {@code max.message.bytes}); INVALID_RECORD; INVALID_TIMESTAMP; OUT_OF_ORDER_SEQUENCE_NUMBER and
 * INVALID_PRODUCER_EPOCH (idempotence); NOT_ENOUGH_REPLICAS; REQUEST_TIMED_OUT (acks=all past {@code timeout_ms}).
 * A request with acks=0 gets no response at all, as the protocol prescribes.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> metadata;

    public ProduceHandler(ReplicaManager replicaManager, Supplier<MetadataImage> metadata) {
        this.replicaManager = replicaManager;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    /** Advertises Produce v0 as Apache Kafka 4.x does (KAFKA-18659); v0 to v2 requests still close the connection. */
    @Override
    public short advertisedLowestVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ProduceRequest request) {
        ProduceRequestData data = request.data();
        short acks = data.acks();
        boolean byTopicId = context.apiVersion() >= 13;
        MetadataImage image = metadata.get();
        Map<TopicPartition, MemoryRecords> toAppend = new LinkedHashMap<>();
        Map<TopicPartition, ProduceResult> immediate = new LinkedHashMap<>();
        Map<TopicPartition, Uuid> topicIds = new LinkedHashMap<>();
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            Optional<TopicMetadata> meta = byTopicId ? image.topic(topic.topicId()) : image.topic(topic.name());
            String name = meta.map(TopicMetadata::name)
                    .orElse(byTopicId ? topic.topicId().toString() : topic.name());
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                TopicPartition tp = new TopicPartition(name, partition.index());
                topicIds.put(tp, topic.topicId());
                if (acks != 0 && acks != 1 && acks != -1) {
                    immediate.put(tp, ProduceResult.failed(Errors.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1"));
                } else if (meta.isEmpty() || partition.index() < 0 || partition.index() >= meta.get().partitionCount()) {
                    immediate.put(tp, ProduceResult.failed(byTopicId && meta.isEmpty()
                            ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
                } else if (!(partition.records() instanceof MemoryRecords records)) {
                    immediate.put(tp, ProduceResult.failed(Errors.INVALID_RECORD, "records missing"));
                } else {
                    toAppend.put(tp, records);
                }
            }
        }
        return replicaManager.appendRecords(data.timeoutMs(), acks, toAppend).thenApply(results -> {
            if (acks == 0) {
                return null;
            }
            Map<TopicPartition, ProduceResult> all = new LinkedHashMap<>(immediate);
            all.putAll(results);
            return toResponse(all, topicIds, byTopicId);
        });
    }

    private static ProduceResponseData toResponse(Map<TopicPartition, ProduceResult> results,
                                                  Map<TopicPartition, Uuid> topicIds, boolean byTopicId) {
        ProduceResponseData response = new ProduceResponseData();
        Map<String, TopicProduceResponse> topics = new LinkedHashMap<>();
        results.forEach((tp, result) -> {
            TopicProduceResponse topic = topics.computeIfAbsent(tp.topic() + "\u0000" + topicIds.get(tp), k -> {
                TopicProduceResponse t = new TopicProduceResponse();
                if (byTopicId) {
                    t.setTopicId(topicIds.get(tp));
                } else {
                    t.setName(tp.topic());
                }
                response.responses().add(t);
                return t;
            });
            topic.partitionResponses().add(new PartitionProduceResponse()
                    .setIndex(tp.partition())
                    .setErrorCode(result.error().code())
                    .setErrorMessage(result.errorMessage())
                    .setBaseOffset(result.baseOffset())
                    .setLogAppendTimeMs(result.logAppendTimeMs())
                    .setLogStartOffset(result.logStartOffset()));
        });
        return response;
    }
}
