package io.sluice.metadata.controller;

import io.etcd.jetcd.Client;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.sluice.metadata.controller.TestCluster.FAILOVER;
import static io.sluice.metadata.controller.TestCluster.FAST;
import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The controller against real etcd, with several brokers (stores, registrations, controllers) in one JVM. */
@ExtendWith(EtcdExtension.class)
class ControllerTest {

    private static final int NO_LEADER = PartitionState.NO_LEADER;

    private static PartitionState state(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                                        int partitionEpoch) {
        return new PartitionState(leader, leaderEpoch, replicas, isr, partitionEpoch);
    }

    private static Map<TopicPartition, Errors> errors(Map<TopicPartition, ApiError> results) {
        return results.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().error(),
            (a, b) -> a, HashMap<TopicPartition, Errors>::new));
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Test
    void oneControllerIsActiveAndAnotherTakesOverWithAHigherEpoch(EtcdTestEnv env) throws Exception {
        try (TestCluster cluster = new TestCluster(env);
             Client raw = Client.builder().endpoints(env.endpoint()).build()) {
            cluster.start(1, FAST);
            cluster.start(2, FAST);
            cluster.start(3, FAST);
            TestCluster.Node first = cluster.awaitActive();
            int firstEpoch = first.controller.activeEpoch().getAsInt();
            await().atMost(FAILOVER).until(() -> cluster.image().controllerId() == first.id
                && cluster.image().controllerEpoch() == firstEpoch);

            first.controller.close();
            TestCluster.Node second = cluster.awaitActiveOtherThan(first);
            int secondEpoch = second.controller.activeEpoch().getAsInt();
            assertThat(secondEpoch).isGreaterThan(firstEpoch);
            await().atMost(FAILOVER).until(() -> cluster.image().controllerId() == second.id);

            long lease = second.controller.activeSession().orElseThrow().leaseId();
            raw.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);

            await().atMost(FAILOVER).until(() -> cluster.image().controllerEpoch() > secondEpoch
                && cluster.image().controllerId() != MetadataImage.NO_CONTROLLER);
            await().atMost(FAILOVER).until(() -> second.controller.activeEpoch().orElse(-1) != secondEpoch);
            TestCluster.Node third = cluster.awaitActive();
            assertThat(third.controller.activeEpoch().getAsInt()).isEqualTo(cluster.image().controllerEpoch());
        }
    }

    @Test
    void aControllerCutOffFromEtcdIsReplacedAndStepsDown(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            TestCluster.Node cutOff = cluster.start(1, FAST, true);
            assertThat(cluster.awaitActive()).isSameAs(cutOff);
            int oldEpoch = cutOff.controller.activeEpoch().getAsInt();
            cluster.start(2, FAST);
            cluster.start(3, FAST);

            cutOff.cut();

            TestCluster.Node successor = cluster.awaitActiveOtherThan(cutOff);
            int successorEpoch = successor.controller.activeEpoch().getAsInt();
            assertThat(successorEpoch).isGreaterThan(oldEpoch);
            await().atMost(FAILOVER).until(() -> !cutOff.isActive());

            cutOff.restore();
            await().atMost(Duration.ofSeconds(20))
                .until(() -> cutOff.store.cache().image().controllerEpoch() >= successorEpoch);
            assertThat(cutOff.isActive()).as("its term ended; it does not come back while another holds the key")
                .isFalse();
        }
    }

    @Test
    void whenABrokerLeaseExpiresItsPartitionsGetNewLeadersAndSmallerIsrs(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            cluster.start(2, FAST);
            cluster.awaitActive();
            TestCluster.Node dying = cluster.start(1, FAST, true);
            cluster.start(3, FAST);
            cluster.awaitLive(1, 2, 3);
            cluster.createTopic(NewTopicRequest.withAssignments("orders",
                Map.of(0, List.of(1, 2, 3), 1, List.of(2, 1, 3))));

            dying.cut();

            cluster.awaitLive(2, 3);
            cluster.awaitState("orders", 0, state(2, 1, List.of(1, 2, 3), List.of(2, 3), 1));
            cluster.awaitState("orders", 1, state(2, 0, List.of(2, 1, 3), List.of(2, 3), 1));
        }
    }

    @Test
    void withoutACleanCandidateThePartitionGoesOfflineUntilItsIsrMemberReturns(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            cluster.start(2, FAST);
            cluster.awaitActive();
            TestCluster.Node one = cluster.start(1, FAST);
            TopicMetadata topic = cluster.createTopic(NewTopicRequest.withAssignments("solo",
                Map.of(0, List.of(1, 2))));
            PartitionState alone = state(1, 0, List.of(1, 2), List.of(1), 1);
            assertThat(join(one.store.compareAndSetPartitionState(topic.topicId(), 0, topic.partition(0).orElseThrow(),
                alone, 1, one.lease.brokerEpoch()))).as("leader 1 shrinks the ISR to itself").isTrue();

            one.deregister();

            cluster.awaitState("solo", 0, state(NO_LEADER, 1, List.of(1, 2), List.of(1), 2));

            one.register();

            cluster.awaitState("solo", 0, state(1, 2, List.of(1, 2), List.of(1), 3));
        }
    }

    @Test
    void uncleanElectionWhenTheTopicAllowsIt(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            cluster.start(2, FAST);
            cluster.awaitActive();
            TestCluster.Node one = cluster.start(1, FAST);
            TopicMetadata topic = cluster.createTopic(NewTopicRequest.withAssignments("lossy",
                Map.of(0, List.of(1, 2))).withConfigs(Map.of("unclean.leader.election.enable", "true")));
            assertThat(join(one.store.compareAndSetPartitionState(topic.topicId(), 0, topic.partition(0).orElseThrow(),
                state(1, 0, List.of(1, 2), List.of(1), 1), 1, one.lease.brokerEpoch()))).isTrue();

            one.deregister();

            cluster.awaitState("lossy", 0, state(2, 1, List.of(1, 2), List.of(2), 2));
        }
    }

    @Test
    void autoRebalanceMovesLeadershipBackToThePreferredReplicaOnceItIsInSync(EtcdTestEnv env) {
        ControllerConfig rebalancing = FAST.withLeaderRebalance(true, Duration.ofMillis(200));
        try (TestCluster cluster = new TestCluster(env)) {
            cluster.start(3, rebalancing);
            cluster.awaitActive();
            TestCluster.Node one = cluster.start(1, rebalancing);
            TestCluster.Node two = cluster.start(2, rebalancing);
            TopicMetadata topic = cluster.createTopic(NewTopicRequest.withAssignments("pref",
                Map.of(0, List.of(1, 2, 3))));
            one.deregister();
            PartitionState failedOver = state(2, 1, List.of(1, 2, 3), List.of(2, 3), 1);
            cluster.awaitState("pref", 0, failedOver);

            one.register();
            cluster.awaitLive(1, 2, 3);
            assertThat(cluster.state("pref", 0)).as("not in the ISR yet: stays with broker 2").isEqualTo(failedOver);
            PartitionState caughtUp = state(2, 1, List.of(1, 2, 3), List.of(2, 3, 1), 2);
            assertThat(join(two.store.compareAndSetPartitionState(topic.topicId(), 0, failedOver, caughtUp, 2,
                two.lease.brokerEpoch()))).as("leader 2 adds broker 1 back to the ISR").isTrue();

            cluster.awaitState("pref", 0, state(1, 2, List.of(1, 2, 3), List.of(2, 3, 1), 3));
        }
    }

    @Test
    void electLeadersAnswersPerPartitionOnAnyBroker(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            TestCluster.Node active = cluster.start(1, FAST);
            assertThat(cluster.awaitActive()).isSameAs(active);
            TestCluster.Node other = cluster.start(2, FAST);
            TestCluster.Node three = cluster.start(3, FAST);
            TopicMetadata topic = cluster.createTopic(NewTopicRequest.withAssignments("elect",
                Map.of(0, List.of(1, 2), 1, List.of(2, 1), 2, List.of(3, 1))));
            cluster.createTopic(NewTopicRequest.withAssignments("solo", Map.of(0, List.of(3))));
            // partition 1 is led by broker 1 (as after a failover); partition 2's ISR shrank to broker 3
            assertThat(join(cluster.observer.compareAndSetPartitionState(topic.topicId(), 1,
                topic.partition(1).orElseThrow(), state(1, 1, List.of(2, 1), List.of(2, 1), 1)))).isTrue();
            assertThat(join(three.store.compareAndSetPartitionState(topic.topicId(), 2,
                topic.partition(2).orElseThrow(), state(3, 0, List.of(3, 1), List.of(3), 1), 3,
                three.lease.brokerEpoch()))).isTrue();
            three.deregister();
            cluster.awaitState("elect", 2, state(NO_LEADER, 1, List.of(3, 1), List.of(3), 2));
            cluster.awaitState("solo", 0, state(NO_LEADER, 1, List.of(3), List.of(3), 1));

            Map<TopicPartition, ApiError> preferred = join(active.controller.electLeaders(ElectionType.PREFERRED,
                Set.of(tp("elect", 0), tp("elect", 1), tp("elect", 2), tp("elect", 9), tp("missing", 0))));

            assertThat(errors(preferred)).isEqualTo(Map.of(tp("elect", 0), Errors.ELECTION_NOT_NEEDED,
                tp("elect", 1), Errors.NONE, tp("elect", 2), Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                tp("elect", 9), Errors.UNKNOWN_TOPIC_OR_PARTITION, tp("missing", 0),
                Errors.UNKNOWN_TOPIC_OR_PARTITION));
            assertThat(active.store.cache().image().partition(tp("elect", 1)))
                .contains(state(2, 2, List.of(2, 1), List.of(2, 1), 2));

            assertThat(other.isActive()).isFalse();
            Map<TopicPartition, ApiError> unclean = join(other.controller.electLeaders(ElectionType.UNCLEAN,
                Set.of(tp("elect", 0), tp("elect", 2), tp("solo", 0))));

            assertThat(errors(unclean)).isEqualTo(Map.of(tp("elect", 0), Errors.ELECTION_NOT_NEEDED,
                tp("elect", 2), Errors.NONE, tp("solo", 0), Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE));
            assertThat(other.store.cache().image().partition(tp("elect", 2)))
                .contains(state(1, 2, List.of(3, 1), List.of(1), 3));

            await().atMost(FAILOVER).until(() -> active.store.cache().image().partition(tp("elect", 2))
                .map(s -> s.leader() == 1).orElse(false));
            Map<TopicPartition, ApiError> all = join(active.controller.electLeaders(ElectionType.PREFERRED, null));
            assertThat(errors(all)).isEqualTo(Map.of(tp("elect", 0), Errors.ELECTION_NOT_NEEDED,
                tp("elect", 1), Errors.ELECTION_NOT_NEEDED, tp("elect", 2), Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                tp("solo", 0), Errors.PREFERRED_LEADER_NOT_AVAILABLE));

            other.controller.close();
            assertFails(other.controller.electLeaders(ElectionType.PREFERRED, null))
                .isInstanceOf(NotControllerException.class);
        }
    }

    @Test
    void aNewControllerHandlesTheOldOnesBrokerAndTheNextFailure(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            TestCluster.Node old = cluster.start(1, FAST, true);
            assertThat(cluster.awaitActive()).isSameAs(old);
            int oldEpoch = old.controller.activeEpoch().getAsInt();
            cluster.start(2, FAST);
            cluster.start(3, FAST);
            cluster.awaitLive(1, 2, 3);
            cluster.createTopic(NewTopicRequest.withAssignments("fo", Map.of(0, List.of(1, 2, 3),
                1, List.of(3, 1, 2))));

            old.cut(); // the controller's process dies: its controller lease and registration expire

            TestCluster.Node successor = cluster.awaitActiveOtherThan(old);
            assertThat(successor.controller.activeEpoch().getAsInt()).isGreaterThan(oldEpoch);
            cluster.awaitState("fo", 0, state(2, 1, List.of(1, 2, 3), List.of(2, 3), 1));
            cluster.awaitState("fo", 1, state(3, 0, List.of(3, 1, 2), List.of(3, 2), 1));

            TestCluster.Node victim = cluster.node(successor.id == 2 ? 3 : 2);
            victim.deregister();

            if (victim.id == 3) {
                cluster.awaitState("fo", 0, state(2, 1, List.of(1, 2, 3), List.of(2), 2));
                cluster.awaitState("fo", 1, state(2, 1, List.of(3, 1, 2), List.of(2), 2));
            } else {
                cluster.awaitState("fo", 0, state(3, 2, List.of(1, 2, 3), List.of(3), 2));
                cluster.awaitState("fo", 1, state(3, 0, List.of(3, 1, 2), List.of(3), 2));
            }
        }
    }

    @Test
    void failuresDuringAControllerGapAreHandledWhenTheNextControllerStarts(EtcdTestEnv env) {
        try (TestCluster cluster = new TestCluster(env)) {
            TestCluster.Node first = cluster.start(1, FAST);
            cluster.awaitActive();
            TestCluster.Node two = cluster.startWithoutController(2);
            TestCluster.Node three = cluster.startWithoutController(3);
            TopicMetadata topic = cluster.createTopic(NewTopicRequest.withAssignments("gap",
                Map.of(0, List.of(2, 3))));
            first.controller.close();
            await().atMost(FAILOVER).until(() -> cluster.image().controllerId() == MetadataImage.NO_CONTROLLER);

            two.deregister();
            cluster.awaitLive(1, 3);
            assertThat(join(cluster.observer.cache().awaitLatest(Duration.ofSeconds(5))).partition(topic.topicId(), 0))
                .as("no controller: nobody reacts").contains(state(2, 0, List.of(2, 3), List.of(2, 3), 0));

            three.startController(FAST);

            assertThat(cluster.awaitActive()).isSameAs(three);
            cluster.awaitState("gap", 0, state(3, 1, List.of(2, 3), List.of(3), 1));
        }
    }
}
