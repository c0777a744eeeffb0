package io.sluice.broker.api;

import io.sluice.broker.partition.FetchParams;
import io.sluice.broker.partition.FetchResult;
import io.sluice.broker.partition.PartitionFetchRequest;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Fetch (API key 1, versions 4 to 18; v13+ names topics by topic ID).
 *
 * <p>Long-polls in the fetch purgatory: waits up to {@code max_wait_ms} for {@code min_bytes}, woken by appends.
 * Consumers read only below the high watermark. Fetch sessions (KIP-227) are not kept: every response carries
 * session id 0, which tells clients to send full fetch requests; a request naming a session gets
 * FETCH_SESSION_ID_NOT_FOUND.
 *
 * <p>Per-partition error codes: NONE, UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, NOT_LEADER_OR_FOLLOWER,
 * OFFSET_OUT_OF_RANGE (below the log start offset or above the log end offset), FENCED_LEADER_EPOCH and
 * UNKNOWN_LEADER_EPOCH (KIP-320).
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private final ReplicaManager replicaManager;
    private final Supplier<MetadataImage> metadata;

    public FetchHandler(ReplicaManager replicaManager, Supplier<MetadataImage> metadata) {
        this.replicaManager = replicaManager;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0 || (data.sessionEpoch() != 0 && data.sessionEpoch() != -1)) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0));
        }
        boolean byTopicId = context.apiVersion() >= 13;
        MetadataImage image = metadata.get();
        LinkedHashMap<TopicPartition, PartitionFetchRequest> readable = new LinkedHashMap<>();
        Map<TopicPartition, FetchResult> unknown = new LinkedHashMap<>();
        Map<TopicPartition, Uuid> topicIds = new LinkedHashMap<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            Optional<TopicMetadata> meta = byTopicId ? image.topic(topic.topicId()) : image.topic(topic.topic());
            String name = meta.map(TopicMetadata::name)
                    .orElse(byTopicId ? topic.topicId().toString() : topic.topic());
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(name, partition.partition());
                topicIds.put(tp, topic.topicId());
                if (meta.isEmpty() || partition.partition() < 0 || partition.partition() >= meta.get().partitionCount()) {
                    unknown.put(tp, FetchResult.failed(byTopicId && meta.isEmpty()
                            ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION));
                } else {
                    Optional<Integer> epoch = partition.currentLeaderEpoch() < 0
                            ? Optional.empty() : Optional.of(partition.currentLeaderEpoch());
                    readable.put(tp, new PartitionFetchRequest(partition.fetchOffset(), partition.partitionMaxBytes(), epoch));
                }
            }
        }
        int replicaId = request.replicaId();
        FetchParams params = new FetchParams(replicaId, unknown.isEmpty() ? data.maxWaitMs() : 0, data.minBytes(),
                data.maxBytes(), IsolationLevel.forId(data.isolationLevel()));
        return replicaManager.fetch(params, readable).thenApply(results -> {
            Map<TopicPartition, FetchResult> all = new LinkedHashMap<>();
            for (TopicPartition tp : topicIds.keySet()) {
                all.put(tp, results.containsKey(tp) ? results.get(tp) : unknown.get(tp));
            }
            return toResponse(all, topicIds, byTopicId);
        });
    }

    private static FetchResponseData toResponse(Map<TopicPartition, FetchResult> results,
                                                Map<TopicPartition, Uuid> topicIds, boolean byTopicId) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        Map<String, FetchResponseData.FetchableTopicResponse> topics = new LinkedHashMap<>();
        results.forEach((tp, result) -> {
            FetchResponseData.FetchableTopicResponse topic = topics.computeIfAbsent(tp.topic(), k -> {
                FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse();
                if (byTopicId) {
                    t.setTopicId(topicIds.get(tp));
                } else {
                    t.setTopic(tp.topic());
                }
                response.responses().add(t);
                return t;
            });
            topic.partitions().add(new FetchResponseData.PartitionData()
                    .setPartitionIndex(tp.partition())
                    .setErrorCode(result.error().code())
                    .setHighWatermark(result.highWatermark())
                    .setLastStableOffset(result.highWatermark())
                    .setLogStartOffset(result.logStartOffset())
                    .setPreferredReadReplica(-1)
                    .setRecords(result.error() == Errors.NONE ? result.records() : MemoryRecords.EMPTY));
        });
        return response;
    }
}
