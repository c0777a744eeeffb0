package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.HeartbeatRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Heartbeat (API key 12, versions 0 to 4; v3+ carries {@code group.instance.id}). Keeps a member's session alive
 * ({@code session.timeout.ms}) and tells it to rejoin when the group rebalances.
 *
 * <p>Errors: INVALID_GROUP_ID, NOT_COORDINATOR, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION,
 * REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE; NONE while the group is loading (as Kafka).
 */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, HeartbeatRequest request) {
        return coordinator.heartbeat(request.data()).thenApply(data -> data.setThrottleTimeMs(0));
    }
}
