package io.sluice.broker.coordinator.group;

import io.sluice.broker.coordinator.group.GroupTimer.Key;
import io.sluice.broker.coordinator.group.GroupTimer.Kind;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The classic rebalance protocol's transitions and timers, shared by the JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup operations (the rules of Kafka's {@code GroupMetadataManager} for classic groups):
 *
 * <ul>
 *   <li><b>Join phase</b> (PreparingRebalance): ends when every member has rejoined and no handed-out member id is
 *       still expected, or when the rebalance timeout (the largest member {@code rebalance.timeout.ms}) passes;
 *       dynamic members that did not rejoin are then removed (static ones stay). The first rebalance of an Empty
 *       group waits {@code group.initial.rebalance.delay.ms}, extended while new members arrive, up to the
 *       rebalance timeout. Ending the phase starts the next generation and answers every parked JoinGroup; the
 *       leader's answer lists all members with their metadata.</li>
 *   <li><b>Sync phase</b> (CompletingRebalance): the leader's SyncGroup carries the assignment, which every member
 *       receives; members that send no SyncGroup within the rebalance timeout are removed and the group rebalances.
 *       </li>
 *   <li><b>Sessions</b>: each member's session timer is reset by heartbeats (and commits); when it fires the member is
 *       removed and the group rebalances. Members with a parked JoinGroup/SyncGroup count as alive, except new ones,
 *       whose parked JoinGroup times out after the new-member join timeout.</li>
 * </ul>
 *
 * <p>Used only on the event loop.
 */
final class Rebalancer {
    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final GroupRegistry groups;
    private final GroupTimer timer;
    private final GroupCoordinatorConfig config;
    private final GroupMetadataWriter writer;

    Rebalancer(GroupRegistry groups, GroupTimer timer, GroupCoordinatorConfig config, GroupMetadataWriter writer) {
        this.groups = groups;
        this.timer = timer;
        this.config = config;
        this.writer = writer;
    }

    GroupCoordinatorConfig config() {
        return config;
    }

    /** Starts a rebalance if the state allows one (Empty, Stable, CompletingRebalance), else tries to end the join phase. */
    void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    /**
     * Enters PreparingRebalance: answers parked SyncGroups with REBALANCE_IN_PROGRESS (their assignment is void),
     * stops waiting for SyncGroups, and schedules the end of the join phase.
     */
    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.clearPendingSyncMembers();
        timer.cancel(Key.group(Kind.SYNC, group.groupId()));
        boolean initialRebalance = group.is(GroupState.EMPTY);
        if (initialRebalance) {
            int delayMs = config.initialRebalanceDelayMs();
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            scheduleInitialDelay(group.groupId(), delayMs, remainingMs);
        }
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        log.info("Preparing to rebalance group {} with old generation {} (reason: {})", group.groupId(),
                group.generationId(), reason);
        if (!initialRebalance) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                scheduleJoinTimeout(group);
            }
        }
    }

    /** Ends the join phase if the group is rebalancing (not its initial delay) and every member has rejoined. */
    void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && group.previousState() != GroupState.EMPTY
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    private void scheduleJoinTimeout(ClassicGroup group) {
        String groupId = group.groupId();
        timer.schedule(Key.group(Kind.JOIN, groupId), group.rebalanceTimeoutMs(), () -> onJoinTimeout(groupId));
    }

    private void scheduleInitialDelay(String groupId, int delayMs, int remainingMs) {
        timer.schedule(Key.group(Kind.INITIAL_JOIN_DELAY, groupId), delayMs,
                () -> onInitialDelayElapsed(groupId, delayMs, remainingMs));
    }

    private void onInitialDelayElapsed(String groupId, int delayMs, int remainingMs) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || !group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            scheduleInitialDelay(groupId, nextDelayMs, Math.max(remainingMs - delayMs, 0));
        } else {
            completeJoin(group);
        }
    }

    private void onJoinTimeout(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null && group.is(GroupState.PREPARING_REBALANCE)) {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: removes dynamic members that did not rejoin, elects a leader among those that did, starts
     * the next generation and answers every parked JoinGroup. If nobody rejoined, waits another rebalance timeout.
     */
    void completeJoin(ClassicGroup group) {
        String groupId = group.groupId();
        timer.cancel(Key.group(Kind.JOIN, groupId));
        timer.cancel(Key.group(Kind.INITIAL_JOIN_DELAY, groupId));
        List<GroupMember> dropped = group.notYetRejoinedMembers().stream().filter(member -> !member.isStatic()).toList();
        for (GroupMember member : dropped) {
            group.remove(member.memberId());
            timer.cancel(Key.heartbeat(groupId, member.memberId()));
        }
        if (!dropped.isEmpty()) {
            log.info("Group {} removed dynamic members that did not rejoin in time: {}", groupId,
                    dropped.stream().map(GroupMember::memberId).toList());
        }
        if (group.is(GroupState.DEAD)) {
            return;
        }
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            log.warn("Group {} could not complete its rebalance because no member rejoined; waiting again", groupId);
            scheduleJoinTimeout(group);
            return;
        }
        group.initNextGeneration();
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", groupId, group.generationId());
            // as Kafka: a failed write only means a later coordinator may load the previous generation, whose
            // members then time out; there is nobody to tell
            writer.store(group, Map.of(), error -> { });
            return;
        }
        log.info("Stabilized group {} generation {} with {} members, protocol {}", groupId, group.generationId(),
                group.size(), group.protocolName().orElse(""));
        List<JoinGroupResponseMember> allMembers = group.joinResponseMembers();
        for (GroupMember member : List.copyOf(group.members())) {
            JoinGroupResponseData response = new JoinGroupResponseData()
                    .setMembers(group.isLeader(member.memberId()) ? allMembers : List.of())
                    .setMemberId(member.memberId())
                    .setGenerationId(group.generationId())
                    .setProtocolType(group.protocolType().orElse(null))
                    .setProtocolName(group.protocolName().orElse(null))
                    .setLeader(group.leaderId().orElse(""))
                    .setSkipAssignment(false)
                    .setErrorCode(Errors.NONE.code());
            group.completeJoin(member, response);
            scheduleHeartbeat(group, member);
            member.setNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        int generation = group.generationId();
        timer.schedule(Key.group(Kind.SYNC, groupId), group.rebalanceTimeoutMs(),
                () -> onSyncTimeout(groupId, generation));
    }

    private void onSyncTimeout(String groupId, int generation) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.generationId() != generation
                || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))
                || group.hasReceivedSyncFromAllMembers()) {
            return;
        }
        Set<String> missing = group.pendingSyncMembers();
        for (String memberId : missing) {
            group.remove(memberId);
            timer.cancel(Key.heartbeat(groupId, memberId));
        }
        prepareRebalance(group, "removing members " + missing + " that sent no SyncGroup in time");
    }

    /** A member synced: stop waiting for it, and stop the sync timer once every member has synced. */
    void removePendingSyncMember(ClassicGroup group, String memberId) {
        group.removePendingSyncMember(memberId);
        if (group.hasReceivedSyncFromAllMembers()) {
            timer.cancel(Key.group(Kind.SYNC, group.groupId()));
        }
    }

    /**
     * Completes the sync phase with the leader's assignment, as Kafka does: the group's metadata with this
     * assignment is persisted first, and only once the write is durable are the members given their assignments
     * (every parked SyncGroup answered) and the group made Stable. If the write fails, every parked SyncGroup gets the
     * write's error (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, ...) and the group rebalances. If the group moved on
     * meanwhile (another rebalance started, or it was unloaded), the outcome is ignored.
     *
     * @param assignment the leader's assignment per member id; members it left out get an empty one
     */
    void storeAndPropagateAssignment(ClassicGroup group, Map<String, byte[]> assignment) {
        Map<String, byte[]> complete = new HashMap<>();
        group.members().forEach(member -> complete.put(member.memberId(),
                assignment.getOrDefault(member.memberId(), GroupMember.EMPTY_ASSIGNMENT)));
        int generation = group.generationId();
        writer.store(group, complete, error -> {
            if (groups.get(group.groupId()) != group || !group.is(GroupState.COMPLETING_REBALANCE)
                    || group.generationId() != generation) {
                return;
            }
            if (error == Errors.NONE) {
                setAndPropagateAssignment(group, complete);
                group.transitionTo(GroupState.STABLE);
            } else {
                resetAndPropagateAssignmentWithError(group, error);
                maybePrepareRebalanceOrCompleteJoin(group, "error " + error + " when storing the assignment of "
                        + "generation " + generation);
            }
        });
    }

    /**
     * Persists the group as it is now (its members' current assignments); see {@link GroupMetadataWriter#store}.
     */
    void storeGroup(ClassicGroup group, Consumer<Errors> then) {
        writer.store(group, group.currentAssignment(), then);
    }

    /** Stores the leader's assignment (members it left out get an empty one) and answers every parked SyncGroup. */
    private void setAndPropagateAssignment(ClassicGroup group, Map<String, byte[]> assignment) {
        for (GroupMember member : group.members()) {
            member.setAssignment(assignment.getOrDefault(member.memberId(), GroupMember.EMPTY_ASSIGNMENT));
        }
        propagateAssignment(group, Errors.NONE);
    }

    private void resetAndPropagateAssignmentWithError(ClassicGroup group, Errors error) {
        group.members().forEach(member -> member.setAssignment(GroupMember.EMPTY_ASSIGNMENT));
        propagateAssignment(group, error);
    }

    private void propagateAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            SyncGroupResponseData response = new SyncGroupResponseData()
                    .setProtocolType(error == Errors.NONE ? group.protocolType().orElse(null) : null)
                    .setProtocolName(error == Errors.NONE ? group.protocolName().orElse(null) : null)
                    .setAssignment(member.assignment())
                    .setErrorCode(error.code());
            if (group.completeSync(member, response)) {
                // the member could not heartbeat while its SyncGroup was parked: give it a full session from now
                scheduleHeartbeat(group, member);
            }
        }
    }

    /** Resets the member's session timer to its session timeout. */
    void scheduleHeartbeat(ClassicGroup group, GroupMember member) {
        scheduleHeartbeat(group.groupId(), member.memberId(), member.sessionTimeoutMs());
    }

    /** Sets the session timer of a member (or pending member id) to fire after {@code timeoutMs}. */
    void scheduleHeartbeat(String groupId, String memberId, long timeoutMs) {
        timer.schedule(Key.heartbeat(groupId, memberId), timeoutMs, () -> onSessionTimeout(groupId, memberId));
    }

    void cancelHeartbeat(String groupId, String memberId) {
        timer.cancel(Key.heartbeat(groupId, memberId));
    }

    private void onSessionTimeout(String groupId, String memberId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            log.info("Pending member {} of group {} did not join within its session timeout", memberId, groupId);
            group.remove(memberId);
            if (group.is(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
                completeJoin(group);
            }
            return;
        }
        GroupMember member = group.member(memberId);
        if (member != null && !member.hasSatisfiedHeartbeat()) {
            log.info("Member {} of group {} has failed (session timeout), removing it", memberId, groupId);
            removeMemberAndUpdateGroup(group, member, "member " + memberId + " session timed out");
        }
    }

    /**
     * Removes a member (expired or left): its parked JoinGroup gets UNKNOWN_MEMBER_ID, and the group rebalances (or
     * ends its join phase if it only waited for this member).
     */
    void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember member, String reason) {
        timer.cancel(Key.heartbeat(group.groupId(), member.memberId()));
        group.remove(member.memberId());
        if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group, reason);
        } else if (group.is(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }
}
