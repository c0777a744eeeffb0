package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * SyncGroup for a classic group (Kafka's rules):
 *
 * <ul>
 *   <li>Unknown group, Empty group, unknown member: UNKNOWN_MEMBER_ID; a {@code group.instance.id} mapped to another
 *       member id: FENCED_INSTANCE_ID; another generation: ILLEGAL_GENERATION; a protocol type or name (v5+, KIP-559)
 *       that differs from the group's: INCONSISTENT_GROUP_PROTOCOL; a group that is rebalancing again:
 *       REBALANCE_IN_PROGRESS.</li>
 *   <li>CompletingRebalance: the request is parked. The leader's request carries every member's assignment; the
 *       group persists its metadata with it ({@link GroupMetadataStore}) and, once that write is durable, answers all
 *       parked requests (members the leader left out get an empty assignment) and becomes Stable. A failed write
 *       answers them with its error (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, UNKNOWN_SERVER_ERROR) and the group
 *       rebalances.</li>
 *   <li>Stable: the member's current assignment is returned at once.</li>
 * </ul>
 */
final class SyncGroupOperation {
    private static final Logger log = LoggerFactory.getLogger(SyncGroupOperation.class);

    private final GroupRegistry groups;
    private final Rebalancer rebalancer;

    SyncGroupOperation(GroupRegistry groups, Rebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    void sync(SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> response) {
        ClassicGroup group = groups.get(request.groupId());
        if (group == null || group.is(GroupState.EMPTY)) {
            response.complete(error(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Optional<Errors> invalid = validate(group, request);
        if (invalid.isPresent()) {
            response.complete(error(invalid.get()));
            return;
        }
        String memberId = request.memberId();
        switch (group.state()) {
            case PREPARING_REBALANCE -> response.complete(error(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> park(group, request, response);
            case STABLE -> {
                rebalancer.removePendingSyncMember(group, memberId);
                response.complete(new SyncGroupResponseData()
                        .setProtocolType(group.protocolType().orElse(null))
                        .setProtocolName(group.protocolName().orElse(null))
                        .setAssignment(group.member(memberId).assignment())
                        .setErrorCode(Errors.NONE.code()));
            }
            default -> response.complete(error(Errors.COORDINATOR_NOT_AVAILABLE));
        }
    }

    private void park(ClassicGroup group, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> response) {
        GroupMember member = group.member(request.memberId());
        // a duplicate SyncGroup replaces the parked one, which the client no longer waits for
        group.completeSync(member, error(Errors.REBALANCE_IN_PROGRESS));
        member.setAwaitingSync(response);
        rebalancer.removePendingSyncMember(group, member.memberId());
        if (group.isLeader(member.memberId())) {
            Map<String, byte[]> assignment = new HashMap<>();
            request.assignments().forEach(entry -> assignment.put(entry.memberId(), entry.assignment()));
            long missing = group.members().stream().filter(m -> !assignment.containsKey(m.memberId())).count();
            log.info("Assignment received from leader {} of group {} for generation {}: {} members ({} static), "
                            + "{} without an assignment", member.memberId(), group.groupId(), group.generationId(),
                    group.size(), group.staticMemberCount(), missing);
            rebalancer.storeAndPropagateAssignment(group, assignment);
        }
    }

    private static Optional<Errors> validate(ClassicGroup group, SyncGroupRequestData request) {
        if (group.is(GroupState.DEAD)) {
            return Optional.of(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        try {
            group.validateMember(request.memberId(), request.groupInstanceId());
        } catch (KafkaException e) {
            return Optional.of(Errors.forException(e));
        }
        if (request.generationId() != group.generationId()) {
            return Optional.of(Errors.ILLEGAL_GENERATION);
        }
        if (inconsistent(request.protocolType(), group.protocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Optional.of(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        return Optional.empty();
    }

    /** A field the client did not send (null, or versions before 5) is not checked. */
    private static boolean inconsistent(String requested, Optional<String> actual) {
        return requested != null && !requested.equals(actual.orElse(null));
    }

    static SyncGroupResponseData error(Errors error) {
        return new SyncGroupResponseData().setProtocolType(null).setProtocolName(null)
                .setAssignment(GroupMember.EMPTY_ASSIGNMENT).setErrorCode(error.code());
    }
}
