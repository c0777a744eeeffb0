package io.sluice.broker.api;

import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.controller.Controller;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ElectLeadersRequest;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ElectLeaders (API key 43, versions 0 to 2; KIP-460): preferred or unclean leader election for the named
 * partitions, or (preferred, no partitions named) for every partition, as {@code kafka-leader-election} runs it.
 * The election runs through this broker's {@link Controller} (see docs/controller.md).
 *
 * <p>Per-partition errors: ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
 * UNKNOWN_TOPIC_OR_PARTITION; INVALID_REQUEST for an unknown election type.
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest> {
    private final Controller controller;

    public ElectLeadersHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ELECT_LEADERS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ElectLeadersRequest request) {
        ElectLeadersRequestData data = request.data();
        ElectionType type = ElectionType.valueOf(data.electionType());
        Set<TopicPartition> partitions = null;
        if (data.topicPartitions() != null) {
            partitions = new HashSet<>();
            for (ElectLeadersRequestData.TopicPartitions topic : data.topicPartitions()) {
                for (int p : topic.partitions()) {
                    partitions.add(new TopicPartition(topic.topic(), p));
                }
            }
        }
        return controller.electLeaders(type, partitions).thenApply(ElectLeadersHandler::toResponse);
    }

    private static ApiMessage toResponse(Map<TopicPartition, ApiError> results) {
        ElectLeadersResponseData response = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
        Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(), t -> {
            ReplicaElectionResult r = new ReplicaElectionResult().setTopic(t);
            response.replicaElectionResults().add(r);
            return r;
        }).partitionResult().add(new PartitionResult().setPartitionId(tp.partition())
                .setErrorCode(error.error().code()).setErrorMessage(error.message())));
        return response;
    }
}
