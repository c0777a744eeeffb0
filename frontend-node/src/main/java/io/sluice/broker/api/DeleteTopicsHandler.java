package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteTopics (API key 20, versions 1 to 6; v6 may name topics by topic ID).
 *
 * <p>Per-topic errors: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, INVALID_REQUEST (both name and id given),
 * REQUEST_TIMED_OUT.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final TopicAdmin topicAdmin;

    public DeleteTopicsHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteTopicsRequest request) {
        List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
        for (DeleteTopicState topic : request.topics()) {
            boolean byId = topic.topicId() != null && !topic.topicId().equals(Uuid.ZERO_UUID);
            if (byId && topic.name() != null) {
                results.add(CompletableFuture.completedFuture(result(topic.name(), topic.topicId(),
                        new ApiError(Errors.INVALID_REQUEST, "give a topic name or a topic id, not both"))));
                continue;
            }
            Optional<TopicMetadata> known = byId ? topicAdmin.image().topic(topic.topicId())
                    : topicAdmin.image().topic(topic.name());
            if (known.isEmpty()) {
                results.add(CompletableFuture.completedFuture(result(topic.name(), topic.topicId(),
                        new ApiError(byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null))));
                continue;
            }
            TopicMetadata meta = known.get();
            results.add(topicAdmin.deleteTopic(meta.name()).handle((v, error) -> result(meta.name(), meta.topicId(),
                    error == null ? ApiError.NONE : ApiError.fromThrowable(error))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteTopicsResponseData response = new DeleteTopicsResponseData();
            results.forEach(r -> response.responses().add(r.join()));
            return response;
        });
    }

    private static DeletableTopicResult result(String name, Uuid topicId, ApiError error) {
        return new DeletableTopicResult().setName(name).setTopicId(topicId == null ? Uuid.ZERO_UUID : topicId)
                .setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
