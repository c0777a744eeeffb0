package io.sluice.broker.coordinator.group;

import io.sluice.storage.ManualTime;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The group's bookkeeping on its own. */
class ClassicGroupTest {
    private final ClassicGroup group = new ClassicGroup("g", new ManualTime(0));

    private static GroupMember member(String id, String instanceId, String... protocols) {
        List<MemberProtocol> list = java.util.Arrays.stream(protocols).map(p -> new MemberProtocol(p, new byte[]{1})).toList();
        return new GroupMember(id, Optional.ofNullable(instanceId), "client", "/host", 1000, 1000, "consumer", list);
    }

    @Test
    void theFirstMemberFixesTheProtocolTypeAndLeadsAndALeavingLeaderIsReplaced() {
        group.add(member("m1", null, "range"), null);
        group.add(member("m2", null, "range"), null);

        assertThat(group.protocolType()).contains("consumer");
        assertThat(group.isLeader("m1")).isTrue();
        group.remove("m1");
        assertThat(group.isLeader("m2")).isTrue();
        group.remove("m2");
        assertThat(group.leaderId()).isEmpty();
    }

    @Test
    void supportedProtocolsMustBeSharedByEveryMember() {
        assertThat(group.supportsProtocols("consumer", Set.of())).isFalse();
        assertThat(group.supportsProtocols("", Set.of("range"))).isFalse();
        group.add(member("m1", null, "range", "sticky"), new CompletableFuture<>());
        group.transitionTo(GroupState.PREPARING_REBALANCE);

        assertThat(group.supportsProtocols("consumer", Set.of("sticky"))).isTrue();
        assertThat(group.supportsProtocols("consumer", Set.of("roundrobin"))).isFalse();
        assertThat(group.supportsProtocols("connect", Set.of("range"))).isFalse();
    }

    @Test
    void validateMemberChecksInstanceMappingFirst() {
        group.add(member("s-1", "instance-s", "range"), null);

        group.validateMember("s-1", "instance-s");
        group.validateMember("s-1", null);
        assertThatThrownBy(() -> group.validateMember("s-2", "instance-s")).isInstanceOf(FencedInstanceIdException.class);
        assertThatThrownBy(() -> group.validateMember("s-1", "other")).isInstanceOf(UnknownMemberIdException.class);
        assertThatThrownBy(() -> group.validateMember("x", null)).isInstanceOf(UnknownMemberIdException.class);
    }

    @Test
    void replacingAStaticMemberKeepsLeadershipAndAssignmentAndFencesTheOldParkedJoin() {
        GroupMember old = member("s-1", "instance-s", "range");
        CompletableFuture<JoinGroupResponseData> parked = new CompletableFuture<>();
        group.add(old, parked);
        old.setAssignment(new byte[]{7});

        GroupMember replacement = group.replaceStaticMember("instance-s", "s-1", "s-2");

        assertThat(Errors.forCode(parked.join().errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(group.isLeader("s-2")).isTrue();
        assertThat(group.staticMemberId("instance-s")).isEqualTo("s-2");
        assertThat(replacement.assignment()).containsExactly(7);
        assertThat(group.hasMember("s-1")).isFalse();
        assertThat(group.awaitingJoinCount()).isZero();
    }

    @Test
    void onlyKafkasTransitionsAreAllowed() {
        assertThatThrownBy(() -> group.transitionTo(GroupState.STABLE)).isInstanceOf(IllegalStateException.class);
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        assertThatThrownBy(() -> group.transitionTo(GroupState.STABLE)).isInstanceOf(IllegalStateException.class);
        group.transitionTo(GroupState.DEAD);
        assertThat(group.state()).isEqualTo(GroupState.DEAD);
    }

    @Test
    void anUnparsableConsumerSubscriptionCountsAsSubscribedToEverything() {
        group.add(new GroupMember("m1", Optional.empty(), "c", "/h", 1000, 1000, "consumer",
                List.of(new MemberProtocol("range", new byte[]{0, 0, 0}))), new CompletableFuture<>());
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        group.initNextGeneration();

        assertThat(group.isSubscribedToTopic("anything")).isTrue();
    }
}
