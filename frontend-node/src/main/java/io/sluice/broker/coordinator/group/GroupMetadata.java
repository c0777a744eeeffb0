package io.sluice.broker.coordinator.group;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a classic group as it is persisted (Kafka's {@code GroupMetadataValue}): what a new coordinator needs
 * to carry the group on after a failover, so members keep their member ids and generation. Written when a generation
 * completes (the leader's SyncGroup assignment, which becomes the members' {@link Member#assignment()}), when the
 * group becomes Empty, and when a static member rejoins a Stable group under a new member id (KIP-345); a group with
 * members is loaded back as Stable, a group without as Empty ({@link GroupCoordinator#onLoaded}).
 *
 * @param groupId                 the group id
 * @param protocolType            the members' protocol type, e.g. {@code consumer}; empty for a group that never had
 *                                a member
 * @param generationId            the generation (0 before the first rebalance)
 * @param protocolName            the chosen protocol (assignor), e.g. {@code range}; empty for an Empty group
 * @param leaderId                the leader's member id; empty for an Empty group
 * @param currentStateTimestampMs when the group entered its current state, epoch milliseconds
 * @param members                 the members, in join order (the leader first among equals is not implied)
 */
public record GroupMetadata(String groupId, Optional<String> protocolType, int generationId,
                            Optional<String> protocolName, Optional<String> leaderId, long currentStateTimestampMs,
                            List<Member> members) {
    public GroupMetadata {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(protocolType, "protocolType");
        Objects.requireNonNull(protocolName, "protocolName");
        Objects.requireNonNull(leaderId, "leaderId");
        List<Member> copy = List.copyOf(members);
        members = copy;
        if (!copy.isEmpty() && protocolName.isEmpty()) {
            throw new IllegalArgumentException("group " + groupId + " has members but no protocol");
        }
        if (!copy.isEmpty() && leaderId.filter(id -> copy.stream().anyMatch(m -> m.memberId().equals(id)))
                .isEmpty()) {
            throw new IllegalArgumentException("group " + groupId + " has members but its leader " + leaderId
                    + " is not one of them");
        }
    }

    /**
     * One member as persisted (Kafka's {@code GroupMetadataValue.MemberMetadata}). Unlike Kafka, which keeps only
     * the chosen protocol's subscription, every protocol the member sent is kept, so a loaded member that rejoins
     * with unchanged metadata is recognised as unchanged and causes no rebalance.
     *
     * @param memberId           the member id
     * @param groupInstanceId    the {@code group.instance.id} of a static member (KIP-345)
     * @param clientId           the client id of its JoinGroup
     * @param clientHost         the client's address, e.g. {@code /127.0.0.1}
     * @param rebalanceTimeoutMs its rebalance timeout, milliseconds
     * @param sessionTimeoutMs   its session timeout, milliseconds
     * @param protocols          the protocols it supports, in its preference order (one of them is the group's
     *                           chosen protocol), with their subscription metadata
     * @param assignment         its assignment in the stored generation (empty bytes when none)
     */
    public record Member(String memberId, Optional<String> groupInstanceId, String clientId, String clientHost,
                         int rebalanceTimeoutMs, int sessionTimeoutMs, List<MemberProtocol> protocols,
                         byte[] assignment) {
        public Member {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(groupInstanceId, "groupInstanceId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientHost, "clientHost");
            protocols = List.copyOf(protocols);
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("member " + memberId + " has no protocol");
            }
            assignment = assignment == null ? new byte[0] : assignment;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Member that && memberId.equals(that.memberId)
                    && groupInstanceId.equals(that.groupInstanceId) && clientId.equals(that.clientId)
                    && clientHost.equals(that.clientHost) && rebalanceTimeoutMs == that.rebalanceTimeoutMs
                    && sessionTimeoutMs == that.sessionTimeoutMs && protocols.equals(that.protocols)
                    && Arrays.equals(assignment, that.assignment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
                    protocols) * 31 + Arrays.hashCode(assignment);
        }

        @Override
        public String toString() {
            return "Member(" + memberId + groupInstanceId.map(id -> ", instance " + id).orElse("") + ", client "
                    + clientId + "@" + clientHost + ", protocols " + protocols + ", assignment " + assignment.length
                    + " bytes)";
        }
    }

    /** @return whether the group has no members (it is loaded as Empty) */
    public boolean isEmpty() {
        return members.isEmpty();
    }
}
