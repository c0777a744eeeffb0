package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics (API key 19, versions 2 to 7), including {@code validate_only}.
 *
 * <p>Per-topic errors: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION (empty, ".", "..", over 249 characters,
 * characters outside [a-zA-Z0-9._-]), INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT,
 * INVALID_CONFIG, INVALID_REQUEST (a name listed twice), REQUEST_TIMED_OUT (etcd unreachable).
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final TopicAdmin topicAdmin;

    public CreateTopicsHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreateTopicsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        Map<String, Integer> occurrences = new HashMap<>();
        request.data().topics().forEach(t -> occurrences.merge(t.name(), 1, Integer::sum));
        List<CompletableFuture<CreatableTopicResult>> results = new ArrayList<>();
        for (CreatableTopic topic : request.data().topics()) {
            if (occurrences.get(topic.name()) > 1) {
                results.add(CompletableFuture.completedFuture(failure(topic, new ApiError(Errors.INVALID_REQUEST,
                        "topic " + topic.name() + " is listed more than once"))));
                continue;
            }
            results.add(topicAdmin.createTopic(toNewTopic(topic), validateOnly)
                    .handle((created, error) -> error == null ? success(topic, created)
                            : failure(topic, ApiError.fromThrowable(error))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData();
            results.forEach(r -> response.topics().add(r.join()));
            return response;
        });
    }

    private static NewTopicRequest toNewTopic(CreatableTopic topic) {
        TreeMap<Integer, List<Integer>> assignments = new TreeMap<>();
        topic.assignments().forEach(a -> assignments.put(a.partitionIndex(), a.brokerIds()));
        Map<String, String> configs = new TreeMap<>();
        topic.configs().forEach(c -> configs.put(c.name(), c.value()));
        return new NewTopicRequest(topic.name(), topic.numPartitions(), topic.replicationFactor(), assignments, configs);
    }

    private static CreatableTopicResult success(CreatableTopic topic, TopicMetadata created) {
        return new CreatableTopicResult()
                .setName(topic.name())
                .setTopicId(created.topicId())
                .setErrorCode(Errors.NONE.code())
                .setNumPartitions(created.partitionCount())
                .setReplicationFactor(created.replicationFactor());
    }

    private static CreatableTopicResult failure(CreatableTopic topic, ApiError error) {
        return new CreatableTopicResult()
                .setName(topic.name())
                .setTopicId(Uuid.ZERO_UUID)
                .setErrorCode(error.error().code())
                .setErrorMessage(error.message())
                .setNumPartitions(-1)
                .setReplicationFactor((short) -1)
                .setTopicConfigErrorCode(Errors.NONE.code());
    }
}
