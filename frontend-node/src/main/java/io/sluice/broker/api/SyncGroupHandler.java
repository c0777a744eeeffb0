package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.SyncGroupRequest;

import java.util.concurrent.CompletableFuture;

/**
 * SyncGroup (API key 14, versions 0 to 5). The group leader sends every member's assignment (computed by the
 * client-side assignor); each member's request is answered with its own assignment once the leader's arrived. v3+
 * carries {@code group.instance.id}; v5+ carries and returns the protocol type and name, which must match the
 * group's (KIP-559).
 *
 * <p>Errors (top level): INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL, REBALANCE_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE.
 */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, SyncGroupRequest request) {
        return coordinator.syncGroup(request.data()).thenApply(data -> data.setThrottleTimeMs(0));
    }
}
