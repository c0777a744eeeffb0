package io.sluice.broker.api;

import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * InitProducerId (API key 22, versions 0 to 6) for idempotent producers (kafka-clients 3.0+ enable idempotence by
 * default, KIP-679).
 *
 * <p>A request without a transactional id always gets a fresh producer id with epoch 0, as Kafka's transaction
 * coordinator does for idempotent producers (also when the producer asks to bump its epoch, KIP-360): the new id
 * starts new sequence numbers on every partition. Ids come from blocks reserved in etcd, so they are unique across
 * brokers and restarts.
 *
 * <p>Errors: NOT_COORDINATOR for a transactional id (Sluice has no transaction coordinator: FindCoordinator for
 * transactions answers COORDINATOR_NOT_AVAILABLE); COORDINATOR_LOAD_IN_PROGRESS / REQUEST_TIMED_OUT when a new
 * id block cannot be reserved in etcd.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final Supplier<CompletableFuture<Long>> nextProducerId;

    /** @param nextProducerId hands out the next unused producer id */
    public InitProducerIdHandler(Supplier<CompletableFuture<Long>> nextProducerId) {
        this.nextProducerId = nextProducerId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequest request) {
        if (request.data().transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.NOT_COORDINATOR.code()).setProducerId(-1).setProducerEpoch((short) -1));
        }
        return nextProducerId.get().thenApply(id -> (ApiMessage) new InitProducerIdResponseData()
                .setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0));
    }
}
