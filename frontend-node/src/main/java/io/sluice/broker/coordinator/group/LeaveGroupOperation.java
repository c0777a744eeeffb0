package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * LeaveGroup for a classic group, a batch of members (v3+, KIP-345; older versions arrive normalized to a batch of
 * one). Per member, as Kafka: a member id, or a {@code group.instance.id} with an empty member id (an admin removing
 * a static member), is removed; unknown ones get UNKNOWN_MEMBER_ID, an instance mapped to another member id
 * FENCED_INSTANCE_ID. An unknown group answers UNKNOWN_MEMBER_ID for every member; a Dead group
 * COORDINATOR_NOT_AVAILABLE. Removing members rebalances the group (or ends a join phase that only waited for them).
 */
final class LeaveGroupOperation {
    private static final Logger log = LoggerFactory.getLogger(LeaveGroupOperation.class);

    private final GroupRegistry groups;
    private final Rebalancer rebalancer;

    LeaveGroupOperation(GroupRegistry groups, Rebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    LeaveGroupResponseData leave(LeaveGroupRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        List<MemberResponse> responses = new ArrayList<>();
        if (group == null) {
            request.members().forEach(member -> responses.add(response(member, Errors.UNKNOWN_MEMBER_ID)));
            return new LeaveGroupResponseData().setMembers(responses);
        }
        if (group.is(GroupState.DEAD)) {
            return new LeaveGroupResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        List<String> left = new ArrayList<>();
        for (MemberIdentity member : request.members()) {
            Errors error = leaveOne(group, member);
            responses.add(response(member, error));
            if (error == Errors.NONE) {
                left.add(member.memberId().isEmpty() ? member.groupInstanceId() : member.memberId());
            }
        }
        if (!left.isEmpty()) {
            String reason = "members " + left + " left the group";
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
                case PREPARING_REBALANCE -> rebalancer.maybeCompleteJoinPhase(group);
                default -> { }
            }
        }
        return new LeaveGroupResponseData().setMembers(responses);
    }

    private Errors leaveOne(ClassicGroup group, MemberIdentity identity) {
        String reason = identity.reason() == null ? "not provided" : identity.reason();
        if (JoinGroupRequest.UNKNOWN_MEMBER_ID.equals(identity.memberId())) {
            if (!group.hasStaticMember(identity.groupInstanceId())) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            removeMember(group, group.staticMemberId(identity.groupInstanceId()), reason);
            return Errors.NONE;
        }
        if (group.isPendingMember(identity.memberId())) {
            group.remove(identity.memberId());
            rebalancer.cancelHeartbeat(group.groupId(), identity.memberId());
            log.info("Pending member {} left group {} (client reason: {})", identity.memberId(), group.groupId(), reason);
            return Errors.NONE;
        }
        try {
            group.validateMember(identity.memberId(), identity.groupInstanceId());
        } catch (KafkaException e) {
            return Errors.forException(e);
        }
        removeMember(group, identity.memberId(), reason);
        return Errors.NONE;
    }

    private void removeMember(ClassicGroup group, String memberId, String reason) {
        log.info("Member {} left group {} (client reason: {})", memberId, group.groupId(), reason);
        rebalancer.cancelHeartbeat(group.groupId(), memberId);
        group.remove(memberId);
    }

    private static MemberResponse response(MemberIdentity member, Errors error) {
        return new MemberResponse().setMemberId(member.memberId()).setGroupInstanceId(member.groupInstanceId())
                .setErrorCode(error.code());
    }
}
