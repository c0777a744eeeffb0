package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted group member speaking to a {@link GroupHarness}'s coordinator the way the Java consumer does: JoinGroup
 * (answering MEMBER_ID_REQUIRED by rejoining with the given id), SyncGroup, Heartbeat, LeaveGroup. Remembers the
 * member id and generation it was given.
 */
final class TestMember {
    private final GroupHarness harness;
    final String clientId;
    final String instanceId;
    JoinGroupRequestProtocolCollection protocols;
    String groupId = GroupHarness.GROUP;
    String memberId = "";
    int generation = -1;
    int sessionTimeoutMs = 10_000;
    int rebalanceTimeoutMs = 30_000;
    short joinVersion = 9;
    JoinGroupResponseData lastJoin;

    TestMember(GroupHarness harness, String clientId, String instanceId, JoinGroupRequestProtocolCollection protocols) {
        this.harness = harness;
        this.clientId = clientId;
        this.instanceId = instanceId;
        this.protocols = protocols;
    }

    /**
     * The same client, now talking to another coordinator (after a coordinator change): same member id, generation,
     * protocols and last JoinGroup answer.
     */
    TestMember movedTo(GroupHarness other) {
        TestMember moved = new TestMember(other, clientId, instanceId, protocols);
        moved.groupId = groupId;
        moved.memberId = memberId;
        moved.generation = generation;
        moved.sessionTimeoutMs = sessionTimeoutMs;
        moved.rebalanceTimeoutMs = rebalanceTimeoutMs;
        moved.joinVersion = joinVersion;
        moved.lastJoin = lastJoin;
        return moved;
    }

    JoinGroupRequestData joinRequest() {
        return new JoinGroupRequestData().setGroupId(groupId).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(sessionTimeoutMs).setRebalanceTimeoutMs(rebalanceTimeoutMs)
                .setProtocolType("consumer").setProtocols(protocols.duplicate());
    }

    /** Sends one JoinGroup with the current member id; records the result when it arrives. */
    CompletableFuture<JoinGroupResponseData> sendJoin() {
        CompletableFuture<JoinGroupResponseData> future = harness.coordinator.joinGroup(
                new GroupRequestContext(clientId, "/127.0.0.1", joinVersion), joinRequest());
        return future.thenApply(response -> {
            lastJoin = response;
            if (response.errorCode() == Errors.NONE.code()) {
                memberId = response.memberId();
                generation = response.generationId();
            } else if (response.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
                memberId = response.memberId();
            }
            return response;
        });
    }

    /** Joins like the consumer: a first JoinGroup, and if MEMBER_ID_REQUIRED comes back, another with that id. */
    CompletableFuture<JoinGroupResponseData> join() {
        CompletableFuture<JoinGroupResponseData> first = sendJoin();
        if (first.isDone() && first.join().errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
            return sendJoin();
        }
        return first;
    }

    /** Joins and asserts the join phase is over with no error. */
    JoinGroupResponseData joinNow() {
        CompletableFuture<JoinGroupResponseData> future = join();
        harness.advance(0);
        assertThat(future).isDone();
        assertThat(Errors.forCode(future.join().errorCode())).isEqualTo(Errors.NONE);
        return future.join();
    }

    boolean isLeader() {
        return lastJoin != null && memberId.equals(lastJoin.leader());
    }

    CompletableFuture<SyncGroupResponseData> sync(Map<String, byte[]> assignments) {
        List<SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((id, bytes) -> list.add(new SyncGroupRequestAssignment().setMemberId(id).setAssignment(bytes)));
        return harness.coordinator.syncGroup(new SyncGroupRequestData().setGroupId(groupId).setGenerationId(generation)
                .setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType("consumer")
                .setProtocolName(lastJoin == null ? null : lastJoin.protocolName()).setAssignments(list));
    }

    CompletableFuture<SyncGroupResponseData> sync() {
        return sync(Map.of());
    }

    Errors heartbeat() {
        return Errors.forCode(harness.coordinator.heartbeat(new HeartbeatRequestData().setGroupId(groupId)
                .setGenerationId(generation).setMemberId(memberId).setGroupInstanceId(instanceId)).join().errorCode());
    }

    LeaveGroupResponseData leave() {
        return harness.coordinator.leaveGroup(new LeaveGroupRequestData().setGroupId(groupId).setMembers(List.of(
                new MemberIdentity().setMemberId(memberId).setGroupInstanceId(instanceId).setReason("test"))),
                (short) 5).join();
    }
}
