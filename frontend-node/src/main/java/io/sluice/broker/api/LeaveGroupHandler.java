package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

import java.util.concurrent.CompletableFuture;

/**
 * LeaveGroup (API key 13, versions 0 to 5). v0-2 remove one member by member id; v3+ a batch of members by member id
 * and/or {@code group.instance.id} (KIP-345; an admin may remove a static member by instance id alone); v5 adds a
 * reason per member (KIP-800, logged). The group rebalances without the members.
 *
 * <p>Errors: top level INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE;
 * per member (v3+) UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID. For v0-2 a member error becomes the top-level error, as
 * Kafka's {@code LeaveGroupResponse} folds it.
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, LeaveGroupRequest request) {
        short version = context.apiVersion();
        return coordinator.leaveGroup(request.data(), version)
                .thenApply(data -> new LeaveGroupResponse(data.setThrottleTimeMs(0), version).data());
    }
}
