package io.sluice.broker.coordinator.group;

import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The state of one classic group (Kafka's {@code ClassicGroup}): its {@link GroupState}, generation id, protocol
 * type (e.g. {@code consumer}), chosen protocol (the assignor every member supports that most members prefer),
 * leader, members, static members by {@code group.instance.id} (KIP-345), members that were given a member id but
 * have not joined with it yet (KIP-394 "pending" members), and members whose SyncGroup is still expected.
 *
 * <p>This class only keeps the bookkeeping consistent; the rebalance rules (when to rebalance, timers, responses)
 * live in {@link Rebalancer} and the request classes. Not thread-safe: used only on the coordinator's event loop.
 */
final class ClassicGroup {
    private final String groupId;
    private final Time time;
    private GroupState state = GroupState.EMPTY;
    private GroupState previousState = GroupState.DEAD;
    private long stateTimestampMs;
    private int generationId;
    private Optional<String> protocolType = Optional.empty();
    private Optional<String> protocolName = Optional.empty();
    private Optional<String> leaderId = Optional.empty();
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new LinkedHashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private final Map<String, Integer> supportedProtocols = new HashMap<>();
    private int awaitingJoinCount;
    private boolean newMemberAdded;
    private Optional<Set<String>> subscribedTopics = Optional.empty();

    ClassicGroup(String groupId, Time time) {
        this.groupId = groupId;
        this.time = time;
        this.stateTimestampMs = time.milliseconds();
    }

    /**
     * Rebuilds a group from its persisted metadata after a coordinator change (Kafka's
     * {@code ClassicGroup.fromRecord}): Stable, with its generation, chosen protocol, leader and members (with their
     * assignments), when it has members; Empty otherwise. No member awaits a response and no SyncGroup is expected;
     * the caller restarts the members' session timers.
     *
     * @throws IllegalArgumentException if the metadata is inconsistent (a member lacks the chosen protocol)
     * @throws IllegalStateException    if two members share a {@code group.instance.id}
     */
    static ClassicGroup fromMetadata(GroupMetadata stored, Time time) {
        ClassicGroup group = new ClassicGroup(stored.groupId(), time);
        String type = stored.protocolType().orElse("");
        for (GroupMetadata.Member member : stored.members()) {
            group.add(GroupMember.fromMetadata(member, type), null);
        }
        group.generationId = stored.generationId();
        group.protocolType = stored.protocolType();
        group.protocolName = stored.isEmpty() ? Optional.empty() : stored.protocolName();
        group.leaderId = stored.isEmpty() ? Optional.empty() : stored.leaderId();
        group.protocolName.ifPresent(chosen -> group.members().forEach(member -> member.metadata(chosen)));
        group.state = stored.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        group.stateTimestampMs = stored.currentStateTimestampMs();
        group.subscribedTopics = group.computeSubscribedTopics();
        return group;
    }

    /**
     * @param assignment the assignment to store per member id (members without one get an empty assignment)
     * @return the group as it is persisted, with these assignments
     */
    GroupMetadata metadata(Map<String, byte[]> assignment) {
        List<GroupMetadata.Member> stored = new ArrayList<>(members.size());
        for (GroupMember member : members.values()) {
            stored.add(member.metadata(assignment.getOrDefault(member.memberId(), GroupMember.EMPTY_ASSIGNMENT)));
        }
        return new GroupMetadata(groupId, protocolType, generationId, members.isEmpty() ? Optional.empty()
                : protocolName, members.isEmpty() ? Optional.empty() : leaderId, stateTimestampMs, stored);
    }

    /** @return every member's current assignment, by member id */
    Map<String, byte[]> currentAssignment() {
        Map<String, byte[]> assignment = new HashMap<>();
        members.values().forEach(member -> assignment.put(member.memberId(), member.assignment()));
        return assignment;
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState expected) {
        return state == expected;
    }

    GroupState previousState() {
        return previousState;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    int generationId() {
        return generationId;
    }

    Optional<String> protocolType() {
        return protocolType;
    }

    Optional<String> protocolName() {
        return protocolName;
    }

    Optional<String> leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return leaderId.map(memberId::equals).orElse(false);
    }

    /** @return whether the group uses the consumer protocol (protocol type {@code consumer}) */
    boolean usesConsumerProtocol() {
        return protocolType.map(ConsumerProtocol.PROTOCOL_TYPE::equals).orElse(false);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean value) {
        newMemberAdded = value;
    }

    // ---- members ---------------------------------------------------------------------------------------------

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<GroupMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    int awaitingJoinCount() {
        return awaitingJoinCount;
    }

    /**
     * Adds a member that joined; the first member fixes the group's protocol type and becomes leader.
     *
     * @param future the member's parked JoinGroup response, or null
     */
    void add(GroupMember member, CompletableFuture<JoinGroupResponseData> future) {
        member.groupInstanceId().ifPresent(instanceId -> {
            if (staticMembers.putIfAbsent(instanceId, member.memberId()) != null) {
                throw new IllegalStateException("static member " + instanceId + " is already in group " + groupId);
            }
        });
        if (members.isEmpty()) {
            protocolType = Optional.of(member.protocolType());
        }
        if (leaderId.isEmpty()) {
            leaderId = Optional.of(member.memberId());
        }
        members.put(member.memberId(), member);
        count(member.protocols(), 1);
        member.setAwaitingJoin(future);
        if (future != null) {
            awaitingJoinCount++;
        }
        pendingJoinMembers.remove(member.memberId());
    }

    /**
     * Removes a member or a pending member. A removed leader is replaced by the oldest remaining member. Its parked
     * requests, if any, are answered UNKNOWN_MEMBER_ID so no client waits forever.
     */
    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed != null) {
            count(removed.protocols(), -1);
            completeJoin(removed, new JoinGroupResponseData().setMemberId(memberId)
                    .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            completeSync(removed, new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            removed.groupInstanceId().ifPresent(staticMembers::remove);
        }
        if (isLeader(memberId)) {
            leaderId = members.keySet().stream().findFirst();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    /** Replaces what a (re)joining member sent and sets (or clears, with null) its parked JoinGroup response. */
    void updateMember(GroupMember member, List<MemberProtocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs,
                      CompletableFuture<JoinGroupResponseData> future) {
        count(member.protocols(), -1);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        count(member.protocols(), 1);
        if (future != null && !member.isAwaitingJoin()) {
            awaitingJoinCount++;
        } else if (future == null && member.isAwaitingJoin()) {
            awaitingJoinCount--;
        }
        member.setAwaitingJoin(future);
    }

    /**
     * A static member rejoined with an unknown member id (KIP-345): the old member id is replaced by the new one,
     * keeping everything else (including the assignment and leadership). Requests the old member id has parked are
     * answered FENCED_INSTANCE_ID, fencing a duplicate instance.
     *
     * @return the member under its new id
     */
    GroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        GroupMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalArgumentException("no member " + oldMemberId + " in group " + groupId);
        }
        completeJoin(old, new JoinGroupResponseData().setMemberId(oldMemberId).setLeader("").setProtocolName(null)
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        completeSync(old, new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        GroupMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = Optional.of(newMemberId);
        }
        staticMembers.put(groupInstanceId, newMemberId);
        pendingSyncMembers.remove(oldMemberId);
        return replacement;
    }

    /**
     * If the leader has not rejoined, makes a member that did rejoin the leader.
     *
     * @return false when no member has rejoined (or the group has no leader), true otherwise
     */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId.isEmpty()) {
            return false;
        }
        GroupMember leader = members.get(leaderId.get());
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (GroupMember candidate : members.values()) {
            if (candidate.isAwaitingJoin()) {
                leaderId = Optional.of(candidate.memberId());
                return true;
            }
        }
        return false;
    }

    /** @return members that have not rejoined in the current join phase */
    List<GroupMember> notYetRejoinedMembers() {
        return members.values().stream().filter(member -> !member.isAwaitingJoin()).toList();
    }

    /** @return whether every member has rejoined and no member id handed out is still expected */
    boolean hasAllMembersJoined() {
        return members.size() == awaitingJoinCount && pendingJoinMembers.isEmpty();
    }

    /** @return the rebalance timeout: the largest of the members' rebalance timeouts, in milliseconds */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember member : members.values()) {
            max = Math.max(max, member.rebalanceTimeoutMs());
        }
        return max;
    }

    /** @return a new member id: {@code group.instance.id} (static) or client id, a dash, and a random UUID */
    String generateMemberId(String clientId, Optional<String> groupInstanceId) {
        return groupInstanceId.orElse(clientId) + "-" + UUID.randomUUID();
    }

    // ---- pending (KIP-394) and sync bookkeeping --------------------------------------------------------------

    boolean isPendingMember(String memberId) {
        return pendingJoinMembers.contains(memberId);
    }

    void addPendingMember(String memberId) {
        if (hasMember(memberId)) {
            throw new IllegalStateException(memberId + " is already a member of group " + groupId);
        }
        pendingJoinMembers.add(memberId);
    }

    int pendingMemberCount() {
        return pendingJoinMembers.size();
    }

    Set<String> pendingMembers() {
        return Set.copyOf(pendingJoinMembers);
    }

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    boolean hasReceivedSyncFromAllMembers() {
        return pendingSyncMembers.isEmpty();
    }

    Set<String> pendingSyncMembers() {
        return Set.copyOf(pendingSyncMembers);
    }

    void clearPendingSyncMembers() {
        pendingSyncMembers.clear();
    }

    // ---- static members --------------------------------------------------------------------------------------

    boolean hasStaticMember(String groupInstanceId) {
        return groupInstanceId != null && staticMembers.containsKey(groupInstanceId);
    }

    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    int staticMemberCount() {
        return staticMembers.size();
    }

    /**
     * Checks a request's member identity: a {@code group.instance.id} must map to this member id (else
     * FENCED_INSTANCE_ID, or UNKNOWN_MEMBER_ID when the instance is unknown), and the member id must be a member.
     *
     * @throws UnknownMemberIdException   UNKNOWN_MEMBER_ID
     * @throws FencedInstanceIdException  FENCED_INSTANCE_ID
     */
    void validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = staticMembers.get(groupInstanceId);
            if (current == null) {
                throw new UnknownMemberIdException("unknown group.instance.id " + groupInstanceId + " in group " + groupId);
            }
            if (!current.equals(memberId)) {
                throw new FencedInstanceIdException("member id " + memberId + " of instance " + groupInstanceId
                        + " is fenced by " + current);
            }
        }
        if (!members.containsKey(memberId)) {
            throw new UnknownMemberIdException("unknown member " + memberId + " in group " + groupId);
        }
    }

    // ---- state and protocol ----------------------------------------------------------------------------------

    /** @return whether a rebalance may start from the current state (Stable, CompletingRebalance or Empty) */
    boolean canRebalance() {
        return GroupState.PREPARING_REBALANCE.validPreviousStates().contains(state);
    }

    void transitionTo(GroupState next) {
        if (!next.validPreviousStates().contains(state)) {
            throw new IllegalStateException("group " + groupId + " cannot go from " + state + " to " + next);
        }
        previousState = state;
        state = next;
        stateTimestampMs = time.milliseconds();
    }

    /**
     * Whether a member with this protocol type and these protocol names may join: anything non-empty for an empty
     * group; otherwise the same protocol type and at least one protocol every current member supports.
     */
    boolean supportsProtocols(String memberProtocolType, Set<String> memberProtocols) {
        if (is(GroupState.EMPTY)) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        return protocolType.map(type -> type.equals(memberProtocolType)).orElse(false)
                && memberProtocols.stream().anyMatch(name -> supportedProtocols.getOrDefault(name, 0) == members.size());
    }

    /**
     * Kafka's protocol selection: among the protocols every member supports, each member votes for the one it lists
     * first; the most voted wins.
     */
    String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("no protocol for empty group " + groupId);
        }
        Set<String> candidates = new HashSet<>();
        supportedProtocols.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember member : members.values()) {
            votes.merge(member.vote(candidates), 1, Integer::sum);
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /**
     * Starts the next generation: generation + 1, then CompletingRebalance with a newly selected protocol, or Empty
     * (no protocol) when no member is left.
     */
    void initNextGeneration() {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = Optional.of(selectProtocol());
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.COMPLETING_REBALANCE);
        } else {
            protocolName = Optional.empty();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.EMPTY);
        }
        pendingSyncMembers.clear();
    }

    /**
     * @return the union of the members' subscribed topics for a consumer-protocol group; empty when the group uses
     *         another protocol type or a subscription does not parse
     */
    private Optional<Set<String>> computeSubscribedTopics() {
        if (!usesConsumerProtocol()) {
            return Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember member : members.values()) {
            Optional<Set<String>> memberTopics = ConsumerSubscriptions.topics(member.metadata(protocolName.orElseThrow()));
            if (memberTopics.isEmpty()) {
                return Optional.empty();
            }
            topics.addAll(memberTopics.get());
        }
        return Optional.of(topics);
    }

    /**
     * @return the union of the members' subscribed topics for a consumer-protocol group, as of the current
     *         generation; empty when unknown (another protocol type, an unparsable subscription)
     */
    Optional<Set<String>> subscribedTopics() {
        return subscribedTopics.map(Set::copyOf);
    }

    /**
     * Whether a live member subscribes to {@code topic} (OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC). When the
     * subscriptions are unknown, a consumer group is assumed to subscribe to everything.
     */
    boolean isSubscribedToTopic(String topic) {
        return subscribedTopics.map(topics -> topics.contains(topic)).orElse(usesConsumerProtocol());
    }

    /** @return the members and their metadata for the chosen protocol, as the leader's JoinGroup response lists them */
    List<JoinGroupResponseMember> joinResponseMembers() {
        List<JoinGroupResponseMember> result = new ArrayList<>(members.size());
        String protocol = protocolName.orElseThrow();
        for (GroupMember member : members.values()) {
            result.add(new JoinGroupResponseMember().setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId().orElse(null))
                    .setMetadata(member.metadata(protocol)));
        }
        return result;
    }

    // ---- parked responses ------------------------------------------------------------------------------------

    /** Answers the member's parked JoinGroup, if any. @return whether there was one */
    boolean completeJoin(GroupMember member, JoinGroupResponseData response) {
        if (!member.isAwaitingJoin()) {
            return false;
        }
        CompletableFuture<JoinGroupResponseData> future = member.awaitingJoin();
        member.setAwaitingJoin(null);
        awaitingJoinCount--;
        future.complete(response);
        return true;
    }

    /** Answers the member's parked SyncGroup, if any. @return whether there was one */
    boolean completeSync(GroupMember member, SyncGroupResponseData response) {
        if (!member.isAwaitingSync()) {
            return false;
        }
        CompletableFuture<SyncGroupResponseData> future = member.awaitingSync();
        member.setAwaitingSync(null);
        future.complete(response);
        return true;
    }

    /** Answers every parked JoinGroup with {@code error}. */
    void completeAllJoins(Errors error) {
        for (GroupMember member : List.copyOf(members.values())) {
            completeJoin(member, new JoinGroupResponseData().setMemberId(member.memberId()).setErrorCode(error.code()));
        }
    }

    /** Answers every parked SyncGroup with {@code error}. */
    void completeAllSyncs(Errors error) {
        for (GroupMember member : members.values()) {
            completeSync(member, new SyncGroupResponseData().setErrorCode(error.code()));
        }
    }

    private void count(List<MemberProtocol> protocols, int delta) {
        for (MemberProtocol protocol : protocols) {
            supportedProtocols.merge(protocol.name(), delta, Integer::sum);
        }
    }

    @Override
    public String toString() {
        return "ClassicGroup(" + groupId + ", " + state + ", generation " + generationId + ", " + members.size()
                + " members)";
    }
}
