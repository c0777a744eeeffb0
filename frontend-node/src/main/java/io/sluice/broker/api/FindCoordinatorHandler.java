package io.sluice.broker.api;

import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.BrokerRegistration;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * FindCoordinator (API key 10, versions 0 to 6; v4+ batches keys, KIP-699).
 *
 * <p>Group keys are answered with this broker, whose offset store serves OffsetCommit and OffsetFetch for
 * "simple" consumers (those that {@code assign()} partitions and commit offsets, like the console consumer).
 * Transaction keys answer COORDINATOR_NOT_AVAILABLE: Sluice has no transactions.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final Supplier<BrokerRegistration> self;

    public FindCoordinatorHandler(Supplier<BrokerRegistration> self) {
        this.self = self;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        List<String> keys = context.apiVersion() >= 4 ? request.data().coordinatorKeys() : List.of(request.data().key());
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        BrokerRegistration broker = self.get();
        for (String key : keys) {
            Coordinator coordinator = new Coordinator().setKey(key);
            if (keyType == FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
                coordinator.setErrorCode(Errors.NONE.code()).setNodeId(broker.brokerId())
                        .setHost(broker.host()).setPort(broker.kafkaPort());
            } else {
                coordinator.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setNodeId(-1).setHost("").setPort(-1)
                        .setErrorMessage("Sluice has no transaction coordinator");
            }
            response.coordinators().add(coordinator);
        }
        if (context.apiVersion() < 4) {
            Coordinator only = response.coordinators().get(0);
            response.setErrorCode(only.errorCode()).setErrorMessage(only.errorMessage()).setNodeId(only.nodeId())
                    .setHost(only.host()).setPort(only.port());
        }
        return CompletableFuture.completedFuture(response);
    }
}
