package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ListGroupsRequest;

import java.util.concurrent.CompletableFuture;

/**
 * ListGroups (API key 16, versions 0 to 5): the groups this broker coordinates, with protocol type, state (v4+) and
 * group type {@code classic} (v5+). v4+ filters by state (KIP-518), v5+ by group type (KIP-848), both
 * case-insensitive. Groups that only have committed offsets are listed as Empty with protocol type "". The admin
 * client asks every broker and merges the answers. Error: NONE.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListGroupsRequest request) {
        return coordinator.listGroups(request.data()).thenApply(data -> data.setThrottleTimeMs(0));
    }
}
