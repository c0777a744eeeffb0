package io.sluice.broker.api;

import io.sluice.broker.coordinator.offsets.OffsetsTopic;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * FindCoordinator (API key 10, versions 0 to 6; v4+ batches keys, KIP-699).
 *
 * <p>A group's coordinator is the leader of its {@code __consumer_offsets} partition ({@link OffsetsTopic}), created on
 * the first lookup as Kafka does. Errors per key: COORDINATOR_NOT_AVAILABLE while that partition has no leader (or the
 * topic cannot be created yet); INVALID_REQUEST for an unknown key type. Transaction keys answer
 * COORDINATOR_NOT_AVAILABLE: Sluice has no transactions.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(FindCoordinatorHandler.class);

    private final OffsetsTopic offsetsTopic;
    private final Supplier<MetadataImage> metadata;

    public FindCoordinatorHandler(OffsetsTopic offsetsTopic, Supplier<MetadataImage> metadata) {
        this.offsetsTopic = offsetsTopic;
        this.metadata = metadata;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        List<String> keys = context.apiVersion() >= 4 ? request.data().coordinatorKeys() : List.of(request.data().key());
        CompletableFuture<Boolean> topicReady = keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()
                ? offsetsTopic.ensureCreated().handle((topic, error) -> {
                    if (error != null) {
                        LOG.debug("cannot create {} yet: {}", OffsetsTopic.NAME, error.toString());
                    }
                    return error == null;
                })
                : CompletableFuture.completedFuture(false);
        return topicReady.thenApply(ready -> {
            FindCoordinatorResponseData response = new FindCoordinatorResponseData();
            MetadataImage image = metadata.get();
            for (String key : keys) {
                response.coordinators().add(coordinatorFor(keyType, key, ready, image));
            }
            if (context.apiVersion() < 4) {
                Coordinator only = response.coordinators().get(0);
                response.setErrorCode(only.errorCode()).setErrorMessage(only.errorMessage()).setNodeId(only.nodeId())
                        .setHost(only.host()).setPort(only.port());
            }
            return response;
        });
    }

    private Coordinator coordinatorFor(byte keyType, String key, boolean ready, MetadataImage image) {
        Coordinator coordinator = new Coordinator().setKey(key);
        if (keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()) {
            return unavailable(coordinator, "Sluice has no transaction coordinator");
        }
        if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
            return coordinator.setErrorCode(Errors.INVALID_REQUEST.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage("unknown coordinator key type " + keyType);
        }
        if (!ready) {
            return unavailable(coordinator, "the " + OffsetsTopic.NAME + " topic is not available yet");
        }
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, offsetsTopic.partitionFor(key));
        Optional<BrokerRegistration> leader = image.partition(tp).map(PartitionState::leader)
                .filter(id -> id >= 0).flatMap(image::broker);
        if (leader.isEmpty()) {
            return unavailable(coordinator, tp + " has no leader");
        }
        BrokerRegistration broker = leader.get();
        return coordinator.setErrorCode(Errors.NONE.code()).setNodeId(broker.brokerId()).setHost(broker.host())
                .setPort(broker.kafkaPort());
    }

    private static Coordinator unavailable(Coordinator coordinator, String message) {
        return coordinator.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setNodeId(-1).setHost("").setPort(-1)
                .setErrorMessage(message);
    }
}
