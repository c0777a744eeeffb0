package io.sluice.broker.api;

import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.utils.Utils;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups (API key 15, versions 0 to 6): per group its state, protocol type, chosen protocol, and members
 * (member id, {@code group.instance.id} v4+, client id, client host, metadata when Stable, assignment). v3+ may ask
 * for the authorized operations: Sluice has no authorizer, so, like Kafka without one, every operation a group
 * supports (READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS) is reported.
 *
 * <p>Per-group errors: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, GROUP_ID_NOT_FOUND (v6+, an
 * unknown group; earlier versions get state Dead and no error, KIP-1043).
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    private static final int GROUP_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.READ.code(),
            AclOperation.DESCRIBE.code(), AclOperation.DELETE.code(), AclOperation.DESCRIBE_CONFIGS.code(),
            AclOperation.ALTER_CONFIGS.code()));

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeGroupsRequest request) {
        short version = context.apiVersion();
        boolean withOperations = version >= 3 && request.data().includeAuthorizedOperations();
        return coordinator.describeGroups(request.data().groups(), version).thenApply(groups -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData().setThrottleTimeMs(0);
            groups.forEach(group -> {
                if (withOperations && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(GROUP_OPERATIONS);
                }
                response.groups().add(group);
            });
            return response;
        });
    }
}
