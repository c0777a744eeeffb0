package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup for a classic group (request already checked for group id, ownership and session timeout by
 * {@link GroupCoordinator}). Follows Kafka's rules:
 *
 * <ul>
 *   <li>An unknown member id ("") creates the group if needed. A dynamic member on JoinGroup v4+ gets
 *       MEMBER_ID_REQUIRED with a generated id {@code clientId-UUID} and must join again with it (KIP-394); on v0-3
 *       it is added at once. A static member ({@code group.instance.id}, KIP-345) is added, or replaces the
 *       member id its instance had, fencing the old one (FENCED_INSTANCE_ID).</li>
 *   <li>A known member id that the group does not have gets UNKNOWN_MEMBER_ID; one whose instance maps to another
 *       member id gets FENCED_INSTANCE_ID.</li>
 *   <li>Protocol type differing from the group's, or no protocol every member supports: INCONSISTENT_GROUP_PROTOCOL.
 *       </li>
 *   <li>More members than {@code group.max.size}: GROUP_MAX_SIZE_REACHED.</li>
 *   <li>A follower rejoining a Stable group with unchanged metadata gets the current generation at once; the leader
 *       rejoining, or any member with changed metadata, triggers a rebalance.</li>
 *   <li>A static member rejoining a Stable group without changing the chosen protocol is answered once the group
 *       with its new member id is persisted ({@link GroupMetadataStore}); if that write fails the replacement is
 *       undone and the member gets the write's error (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, ...).</li>
 * </ul>
 */
final class JoinGroupOperation {
    private static final Logger log = LoggerFactory.getLogger(JoinGroupOperation.class);

    private final GroupRegistry groups;
    private final Rebalancer rebalancer;

    JoinGroupOperation(GroupRegistry groups, Rebalancer rebalancer) {
        this.groups = groups;
        this.rebalancer = rebalancer;
    }

    /** Handles a validated JoinGroup; completes {@code response} now or when the join phase ends. */
    void join(GroupRequestContext context, JoinGroupRequestData request, CompletableFuture<JoinGroupResponseData> response) {
        String memberId = request.memberId();
        boolean unknownMember = JoinGroupRequest.UNKNOWN_MEMBER_ID.equals(memberId);
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            if (!unknownMember) {
                response.complete(error(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = groups.getOrCreate(request.groupId());
        }
        if (!acceptJoiningMember(group, memberId)) {
            group.remove(memberId);
            response.complete(error(JoinGroupRequest.UNKNOWN_MEMBER_ID, Errors.GROUP_MAX_SIZE_REACHED));
        } else if (unknownMember) {
            joinNewMember(context, request, group, response);
        } else {
            joinExistingMember(context, request, group, response);
        }
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        int maxSize = rebalancer.config().maxGroupSize();
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            // awaiting members are counted (not the size): the size may exceed a lowered limit until the rebalance
            case PREPARING_REBALANCE -> group.hasMember(memberId) && group.member(memberId).isAwaitingJoin()
                    || group.awaitingJoinCount() < maxSize;
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < maxSize;
        };
    }

    private void joinNewMember(GroupRequestContext context, JoinGroupRequestData request, ClassicGroup group,
                               CompletableFuture<JoinGroupResponseData> response) {
        if (group.is(GroupState.DEAD)) {
            response.complete(error(JoinGroupRequest.UNKNOWN_MEMBER_ID, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), protocolNames(request))) {
            response.complete(error(JoinGroupRequest.UNKNOWN_MEMBER_ID, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        Optional<String> instanceId = Optional.ofNullable(request.groupInstanceId());
        String newMemberId = group.generateMemberId(context.clientId(), instanceId);
        if (instanceId.isPresent() && group.hasStaticMember(instanceId.get())) {
            String oldMemberId = group.staticMemberId(instanceId.get());
            log.info("Static member {} of group {} rejoins with an unknown member id in state {}: {} replaces {}",
                    instanceId.get(), group.groupId(), group.state(), newMemberId, oldMemberId);
            replaceStaticMember(context, request, group, oldMemberId, newMemberId, response);
        } else if (instanceId.isEmpty() && JoinGroupRequest.requiresKnownMemberId(context.apiVersion())) {
            group.addPendingMember(newMemberId);
            rebalancer.scheduleHeartbeat(group.groupId(), newMemberId, request.sessionTimeoutMs());
            response.complete(error(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(context, request, group, newMemberId, response);
        }
    }

    private void joinExistingMember(GroupRequestContext context, JoinGroupRequestData request, ClassicGroup group,
                                    CompletableFuture<JoinGroupResponseData> response) {
        String memberId = request.memberId();
        if (group.is(GroupState.DEAD)) {
            response.complete(error(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), protocolNames(request))) {
            response.complete(error(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.isPendingMember(memberId)) {
            if (request.groupInstanceId() != null) {
                response.complete(error(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            addMemberAndRebalance(context, request, group, memberId, response);
            return;
        }
        try {
            group.validateMember(memberId, request.groupInstanceId());
        } catch (KafkaException e) {
            response.complete(error(memberId, Errors.forException(e)));
            return;
        }
        GroupMember member = group.member(memberId);
        List<MemberProtocol> protocols = protocols(request);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(request, group, member, response,
                    "member " + memberId + " joins during " + group.state());
            case COMPLETING_REBALANCE -> {
                if (member.matches(protocols)) {
                    // the member probably lost our JoinGroup response: answer it again for the current generation
                    response.complete(currentGeneration(group, memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(request, group, member, response,
                            "member " + memberId + " changed its metadata during " + group.state());
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId)) {
                    // the leader rejoins to rebalance for changes the metadata does not show (e.g. new partitions)
                    updateMemberAndRebalance(request, group, member, response, "leader " + memberId + " rejoins");
                } else if (!member.matches(protocols)) {
                    updateMemberAndRebalance(request, group, member, response,
                            "member " + memberId + " changed its metadata");
                } else {
                    response.complete(currentGeneration(group, memberId, false));
                }
            }
            default -> response.complete(error(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(GroupRequestContext context, JoinGroupRequestData request, ClassicGroup group,
                                       String memberId, CompletableFuture<JoinGroupResponseData> response) {
        GroupMember member = new GroupMember(memberId, Optional.ofNullable(request.groupInstanceId()),
                context.clientId(), context.clientHost(), rebalanceTimeoutMs(request), request.sessionTimeoutMs(),
                request.protocolType(), protocols(request));
        member.setNew(true);
        if (group.is(GroupState.PREPARING_REBALANCE) && group.previousState() == GroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, response);
        // a new member cannot heartbeat before it has its JoinGroup answer: bound how long it may wait
        rebalancer.scheduleHeartbeat(group.groupId(), memberId, rebalancer.config().newMemberJoinTimeoutMs());
        rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "adding member " + memberId
                + Optional.ofNullable(request.groupInstanceId()).map(id -> " (instance " + id + ")").orElse("")
                + "; client reason: " + JoinGroupRequest.joinReason(request));
    }

    private void updateMemberAndRebalance(JoinGroupRequestData request, ClassicGroup group, GroupMember member,
                                          CompletableFuture<JoinGroupResponseData> response, String reason) {
        group.updateMember(member, protocols(request), rebalanceTimeoutMs(request), request.sessionTimeoutMs(), response);
        rebalancer.maybePrepareRebalanceOrCompleteJoin(group,
                reason + "; client reason: " + JoinGroupRequest.joinReason(request));
    }

    private void replaceStaticMember(GroupRequestContext context, JoinGroupRequestData request, ClassicGroup group,
                                     String oldMemberId, String newMemberId,
                                     CompletableFuture<JoinGroupResponseData> response) {
        String currentLeader = group.leaderId().orElse("");
        GroupMember member = group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId);
        StaticMemberBefore before = new StaticMemberBefore(oldMemberId, member.protocols(), member.rebalanceTimeoutMs(),
                member.sessionTimeoutMs(), currentLeader);
        rebalancer.cancelHeartbeat(group.groupId(), oldMemberId);
        rebalancer.scheduleHeartbeat(group, member);
        group.updateMember(member, protocols(request), rebalanceTimeoutMs(request), request.sessionTimeoutMs(), response);
        switch (group.state()) {
            case STABLE -> {
                if (group.protocolName().orElse("").equals(group.selectProtocol())) {
                    // same chosen protocol: no rebalance, the member keeps its assignment under the new id, once the
                    // new member id is persisted (so a coordinator failover does not bring the fenced id back)
                    rebalancer.storeGroup(group, error -> onStaticMemberStored(context, group, newMemberId,
                            request.groupInstanceId(), before, response, error));
                } else {
                    rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "static member "
                            + request.groupInstanceId() + " rejoined with a change of protocol");
                }
            }
            // the leader may already be assigning with the old member id: rebalance so the new id gets an assignment
            case COMPLETING_REBALANCE -> rebalancer.prepareRebalance(group,
                    "static member " + request.groupInstanceId() + " rejoined during " + group.state());
            case PREPARING_REBALANCE -> rebalancer.maybeCompleteJoinPhase(group);
            default -> throw new IllegalStateException("group " + group.groupId() + " in state " + group.state()
                    + " has static member " + request.groupInstanceId());
        }
    }

    /** What a static member was before it rejoined under a new member id, to revert to if that cannot be stored. */
    private record StaticMemberBefore(String memberId, List<MemberProtocol> protocols, int rebalanceTimeoutMs,
                                      int sessionTimeoutMs, String leaderId) {
    }

    /**
     * The group with a static member's new member id was stored (or not). On success the member is answered without
     * a rebalance. On failure, as Kafka does, the replacement is undone (the old member id, protocols and timeouts come
     * back) and the member gets the write's error with an unknown member id, so it rejoins. Nothing is done if the
     * member's JoinGroup was answered meanwhile (a rebalance started, the group was unloaded, or the instance rejoined
     * again).
     */
    private void onStaticMemberStored(GroupRequestContext context, ClassicGroup group, String newMemberId,
                                      String groupInstanceId, StaticMemberBefore before,
                                      CompletableFuture<JoinGroupResponseData> response, Errors error) {
        GroupMember member = group.member(newMemberId);
        if (groups.get(group.groupId()) != group || member == null || member.awaitingJoin() != response) {
            return;
        }
        if (error == Errors.NONE) {
            completeStaticRejoin(context, group, member, before.leaderId());
            return;
        }
        log.warn("Static member {} of group {} could not be stored under its new member id {} ({}); reverting to {}",
                groupInstanceId, group.groupId(), newMemberId, error, before.memberId());
        group.updateMember(member, before.protocols(), before.rebalanceTimeoutMs(), before.sessionTimeoutMs(), null);
        GroupMember restored = group.replaceStaticMember(groupInstanceId, newMemberId, before.memberId());
        rebalancer.cancelHeartbeat(group.groupId(), newMemberId);
        rebalancer.scheduleHeartbeat(group, restored);
        response.complete(new JoinGroupResponseData().setMemberId(JoinGroupRequest.UNKNOWN_MEMBER_ID)
                .setGenerationId(group.generationId()).setProtocolType(group.protocolType().orElse(null))
                .setProtocolName(group.protocolName().orElse(null)).setLeader(before.leaderId())
                .setSkipAssignment(false).setErrorCode(error.code()));
    }

    /**
     * Answers a static member that rejoined a Stable group without a rebalance. On v9+ a rejoining leader is told to
     * skip the assignment (KIP-814) and gets the member list; older versions are given the previous leader id so
     * the member does not believe it leads and run a pointless assignment.
     */
    private void completeStaticRejoin(GroupRequestContext context, ClassicGroup group, GroupMember member,
                                      String previousLeader) {
        JoinGroupResponseData response;
        if (JoinGroupRequest.supportsSkippingAssignment(context.apiVersion())) {
            boolean isLeader = group.isLeader(member.memberId());
            response = currentGeneration(group, member.memberId(), isLeader).setSkipAssignment(isLeader);
        } else {
            response = currentGeneration(group, member.memberId(), false).setLeader(previousLeader);
        }
        group.completeJoin(member, response);
    }

    private static JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.joinResponseMembers() : List.of())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType().orElse(null))
                .setProtocolName(group.protocolName().orElse(null))
                .setLeader(group.leaderId().orElse(""))
                .setSkipAssignment(false)
                .setErrorCode(Errors.NONE.code());
    }

    static JoinGroupResponseData error(String memberId, Errors error) {
        return new JoinGroupResponseData().setMemberId(memberId).setGenerationId(JoinGroupRequest.UNKNOWN_GENERATION_ID)
                .setProtocolType(null).setProtocolName(null).setLeader("").setErrorCode(error.code());
    }

    /** JoinGroup v0 has no rebalance timeout: the session timeout stands in for it, as in Kafka. */
    private static int rebalanceTimeoutMs(JoinGroupRequestData request) {
        return request.rebalanceTimeoutMs() < 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
    }

    static List<MemberProtocol> protocols(JoinGroupRequestData request) {
        List<MemberProtocol> protocols = new ArrayList<>(request.protocols().size());
        request.protocols().forEach(protocol -> protocols.add(new MemberProtocol(protocol.name(), protocol.metadata())));
        return protocols;
    }

    private static Set<String> protocolNames(JoinGroupRequestData request) {
        Set<String> names = new HashSet<>();
        request.protocols().forEach(protocol -> names.add(protocol.name()));
        return names;
    }
}
