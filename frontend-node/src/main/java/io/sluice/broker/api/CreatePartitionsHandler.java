package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * CreatePartitions (API key 37, versions 0 to 3): raises a topic's partition count, never lowers it.
 *
 * <p>Per-topic errors: INVALID_PARTITIONS (the new count is not larger), UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, REQUEST_TIMED_OUT.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final TopicAdmin topicAdmin;

    public CreatePartitionsHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreatePartitionsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            List<List<Integer>> assignments = topic.assignments() == null ? List.of()
                    : topic.assignments().stream().map(a -> List.copyOf(a.brokerIds())).toList();
            CompletableFuture<CreatePartitionsTopicResult> result;
            try {
                result = topicAdmin.createPartitions(topic.name(), topic.count(), assignments, validateOnly)
                        .handle((t, error) -> result(topic.name(), error == null ? ApiError.NONE : ApiError.fromThrowable(error)));
            } catch (RuntimeException e) {
                result = CompletableFuture.completedFuture(result(topic.name(), ApiError.fromThrowable(e)));
            }
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            CreatePartitionsResponseData response = new CreatePartitionsResponseData();
            results.forEach(r -> response.results().add(r.join()));
            return response;
        });
    }

    private static CreatePartitionsTopicResult result(String name, ApiError error) {
        return new CreatePartitionsTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
