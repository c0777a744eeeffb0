package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup (API key 11, versions 0 to 9). Joins a member to a classic group; the response arrives when the group's
 * join phase ends (the request is parked until then). v4+ with an empty member id gets MEMBER_ID_REQUIRED and a
 * generated member id (KIP-394); v5+ carries {@code group.instance.id} (static membership, KIP-345); v7+ returns the
 * protocol type (KIP-559); v9 may tell a rejoining static leader to skip the assignment (KIP-814). v0 has no
 * rebalance timeout: the session timeout is used.
 *
 * <p>Errors (top level): INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_SESSION_TIMEOUT,
 * MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED,
 * COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR (the coordinator resigned while the request was parked).
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, JoinGroupRequest request) {
        short version = context.apiVersion();
        return coordinator.joinGroup(GroupRequestContexts.of(context), request.data())
                .thenApply(data -> new JoinGroupResponse(data.setThrottleTimeMs(0), version).data());
    }
}
