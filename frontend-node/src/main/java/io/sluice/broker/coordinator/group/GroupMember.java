package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a classic group (Kafka's {@code ClassicGroupMember}): its identity (member id, optional
 * {@code group.instance.id} for static members, KIP-345), client id and host, timeouts, the protocols it supports in
 * preference order, its current assignment, and the JoinGroup / SyncGroup response it is waiting for, if any.
 *
 * <p>Not thread-safe: used only on the coordinator's event loop.
 */
final class GroupMember {
    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    private final String memberId;
    private final Optional<String> groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<MemberProtocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    GroupMember(String memberId, Optional<String> groupInstanceId, String clientId, String clientHost,
                int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType, List<MemberProtocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** @return a copy of this member under a new member id (a static member rejoining, KIP-345), without futures */
    GroupMember withMemberId(String newMemberId) {
        GroupMember copy = new GroupMember(newMemberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocolType, protocols);
        copy.assignment = assignment;
        return copy;
    }

    /**
     * A member as a loaded {@link GroupMetadata} describes it (after a coordinator change), with its stored
     * assignment and no parked request.
     */
    static GroupMember fromMetadata(GroupMetadata.Member stored, String protocolType) {
        GroupMember member = new GroupMember(stored.memberId(), stored.groupInstanceId(), stored.clientId(),
                stored.clientHost(), stored.rebalanceTimeoutMs(), stored.sessionTimeoutMs(), protocolType,
                stored.protocols());
        member.assignment = stored.assignment();
        return member;
    }

    /** @return this member as persisted, with {@code assignment} as its assignment */
    GroupMetadata.Member metadata(byte[] assignment) {
        return new GroupMetadata.Member(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
                sessionTimeoutMs, protocols, assignment);
    }

    String memberId() {
        return memberId;
    }

    Optional<String> groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId.isPresent();
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<MemberProtocol> protocols() {
        return protocols;
    }

    /** Replaces what a (re)joining member sent. */
    void update(List<MemberProtocol> newProtocols, int newRebalanceTimeoutMs, int newSessionTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
    }

    /** @return whether the member sent exactly these protocols (names, order and metadata) before */
    boolean matches(List<MemberProtocol> other) {
        return protocols.equals(other);
    }

    /** @return the metadata this member sent for {@code protocolName} */
    byte[] metadata(String protocolName) {
        for (MemberProtocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        throw new IllegalArgumentException("member " + memberId + " does not support protocol " + protocolName);
    }

    /**
     * Kafka's protocol vote: the member's most preferred protocol among the candidates (those every member supports).
     */
    String vote(Set<String> candidates) {
        for (MemberProtocol protocol : protocols) {
            if (candidates.contains(protocol.name())) {
                return protocol.name();
            }
        }
        throw new IllegalArgumentException("member " + memberId + " supports none of " + candidates);
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment == null ? EMPTY_ASSIGNMENT : assignment;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future) {
        this.awaitingJoin = future;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    /** @return whether the member joined during the current rebalance and has not received a JoinGroup answer */
    boolean isNew() {
        return isNew;
    }

    void setNew(boolean value) {
        this.isNew = value;
    }

    /**
     * A member with a parked JoinGroup or SyncGroup counts as alive when its session timer fires (it cannot send
     * heartbeats meanwhile), unless it is new: new members can be expired while they wait to join.
     */
    boolean hasSatisfiedHeartbeat() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }

    /** @return the member as DescribeGroups shows it; metadata only when a protocol is chosen (Stable groups) */
    DescribedGroupMember describe(Optional<String> protocolName) {
        return new DescribedGroupMember()
                .setMemberId(memberId)
                .setGroupInstanceId(groupInstanceId.orElse(null))
                .setClientId(clientId)
                .setClientHost(clientHost)
                .setMemberMetadata(protocolName.map(this::metadata).orElse(EMPTY_ASSIGNMENT))
                .setMemberAssignment(assignment);
    }

    @Override
    public String toString() {
        return "GroupMember(" + memberId + groupInstanceId.map(id -> ", instance " + id).orElse("")
                + ", client " + clientId + "@" + clientHost + ", protocols "
                + protocols.stream().map(MemberProtocol::name).toList() + ")";
    }
}
