package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups (API key 42, versions 0 to 2; {@code kafka-consumer-groups --delete}): deletes empty groups and their
 * committed offsets.
 *
 * <p>Per-group errors: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, GROUP_ID_NOT_FOUND,
 * NON_EMPTY_GROUP (the group has members), and the offset store's errors (COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR).
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteGroupsRequest request) {
        return coordinator.deleteGroups(request.data().groupsNames())
                .thenApply(results -> new DeleteGroupsResponseData().setThrottleTimeMs(0).setResults(results));
    }
}
