package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Heartbeat for a classic group: resets the member's session timer and tells it whether to rejoin. Errors as Kafka:
 * unknown group or member, or an Empty group: UNKNOWN_MEMBER_ID; instance mapped to another member id:
 * FENCED_INSTANCE_ID; another generation: ILLEGAL_GENERATION; PreparingRebalance: REBALANCE_IN_PROGRESS (the timer
 * is still reset); CompletingRebalance and Stable: NONE.
 */
final class HeartbeatOperation {
    private final GroupRegistry groups;
    private final Rebalancer rebalancer;

    HeartbeatOperation(GroupRegistry groups, Rebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    Errors heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        try {
            group.validateMember(request.memberId(), request.groupInstanceId());
        } catch (KafkaException e) {
            return Errors.forException(e);
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return switch (group.state()) {
            case EMPTY -> Errors.UNKNOWN_MEMBER_ID;
            case PREPARING_REBALANCE -> {
                rebalancer.scheduleHeartbeat(group, group.member(request.memberId()));
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE -> {
                rebalancer.scheduleHeartbeat(group, group.member(request.memberId()));
                yield Errors.NONE;
            }
            case DEAD -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }
}
