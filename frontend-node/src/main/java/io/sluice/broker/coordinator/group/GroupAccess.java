package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;

/**
 * The checks every group request passes first, in Kafka's order: a null or empty group id is INVALID_GROUP_ID, a
 * group another broker coordinates NOT_COORDINATOR, a group whose offsets are still loading
 * COORDINATOR_LOAD_IN_PROGRESS.
 */
final class GroupAccess {
    private final GroupOwnership ownership;

    GroupAccess(GroupOwnership ownership) {
        this.ownership = ownership;
    }

    /** @return the error the request must be answered with, or empty if the coordinator may serve it */
    Optional<Errors> check(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return Optional.of(Errors.INVALID_GROUP_ID);
        }
        return ownershipError(groupId);
    }

    /** Like {@link #check} but lets the empty group id through (DescribeGroups serves it for compatibility). */
    Optional<Errors> ownershipError(String groupId) {
        if (groupId == null) {
            return Optional.of(Errors.INVALID_GROUP_ID);
        }
        if (!ownership.owns(groupId)) {
            return Optional.of(Errors.NOT_COORDINATOR);
        }
        if (ownership.loading(groupId)) {
            return Optional.of(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        }
        return Optional.empty();
    }

    /** @return whether ListGroups should show the group: owned and loaded */
    boolean listable(String groupId) {
        return ownership.owns(groupId) && !ownership.loading(groupId);
    }
}
