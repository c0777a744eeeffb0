package io.sluice.metadata.placement;

import io.sluice.metadata.BrokerRegistration;

import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaPlacerTest {

    private final ReplicaPlacer placer = new ReplicaPlacer(new Random(42));

    private static List<BrokerRegistration> brokers(int... ids) {
        return IntStream.of(ids).mapToObj(id -> BrokerRegistration.of(id, "h" + id, 9092, 8080)).toList();
    }

    private static BrokerRegistration racked(int id, String rack) {
        return new BrokerRegistration(id, "h" + id, 9092, 8080, Optional.of(rack));
    }

    @Test
    void roundRobinWithStartOffsetAsKafka() {
        List<List<Integer>> placed = placer.place(0, 6, (short) 2, brokers(0, 1, 2), 1, 0);

        assertThat(placed).containsExactly(
            List.of(1, 2), List.of(2, 0), List.of(0, 1),
            // the follower shift grows by one after wrapping around the brokers
            List.of(1, 0), List.of(2, 1), List.of(0, 2));
    }

    @Test
    void leadersAndReplicasSpreadEvenly() {
        List<List<Integer>> placed = placer.placeNewTopic(12, (short) 3, brokers(1, 2, 3, 4));

        Map<Integer, Integer> leaders = new HashMap<>();
        Map<Integer, Integer> replicas = new HashMap<>();
        for (List<Integer> r : placed) {
            assertThat(r).hasSize(3).doesNotHaveDuplicates();
            leaders.merge(r.get(0), 1, Integer::sum);
            r.forEach(b -> replicas.merge(b, 1, Integer::sum));
        }
        assertThat(leaders).containsOnlyKeys(1, 2, 3, 4).allSatisfy((b, n) -> assertThat(n).isEqualTo(3));
        assertThat(replicas).allSatisfy((b, n) -> assertThat(n).isEqualTo(9));
    }

    @Test
    void rackAwarePlacementPutsEachReplicaInAnotherRack() {
        List<BrokerRegistration> brokers = List.of(racked(1, "a"), racked(2, "a"), racked(3, "b"), racked(4, "b"),
            racked(5, "c"), racked(6, "c"));
        Map<Integer, String> rackOf = new HashMap<>();
        brokers.forEach(b -> rackOf.put(b.brokerId(), b.rack().orElseThrow()));

        List<List<Integer>> placed = placer.placeNewTopic(30, (short) 3, brokers);

        assertThat(ReplicaPlacer.rackAware(brokers)).isTrue();
        for (List<Integer> r : placed) {
            Set<String> racks = new HashSet<>();
            r.forEach(b -> racks.add(rackOf.get(b)));
            assertThat(racks).as("racks of %s", r).hasSize(3);
        }
        Map<Integer, Integer> leaders = new HashMap<>();
        placed.forEach(r -> leaders.merge(r.get(0), 1, Integer::sum));
        assertThat(leaders.values()).allSatisfy(n -> assertThat(n).isEqualTo(5));
    }

    @Test
    void rackAwareWithMoreReplicasThanRacksStillUsesDistinctBrokers() {
        List<BrokerRegistration> brokers = List.of(racked(1, "a"), racked(2, "a"), racked(3, "b"), racked(4, "b"));

        for (List<Integer> r : placer.placeNewTopic(8, (short) 3, brokers)) {
            assertThat(r).doesNotHaveDuplicates().hasSize(3);
            assertThat(r.stream().map(b -> b <= 2 ? "a" : "b").distinct()).hasSize(2);
        }
    }

    @Test
    void partialRackInformationFallsBackToRackUnaware() {
        List<BrokerRegistration> brokers = List.of(racked(1, "a"), racked(2, "b"), BrokerRegistration.of(3, "h", 1, 0));

        assertThat(ReplicaPlacer.rackAware(brokers)).isFalse();
        assertThat(placer.placeNewTopic(3, (short) 3, brokers)).allSatisfy(r -> assertThat(r).hasSize(3));
    }

    @Test
    void additionalPartitionsContinueTheRoundRobin() {
        List<List<Integer>> existing = placer.place(0, 3, (short) 1, brokers(0, 1, 2), 2, 0);

        List<List<Integer>> added = placer.placeAdditional(existing, 3, (short) 1, brokers(0, 1, 2));

        assertThat(existing).containsExactly(List.of(2), List.of(0), List.of(1));
        assertThat(added).containsExactly(List.of(2), List.of(0), List.of(1));
    }

    @Test
    void rejectsImpossibleRequestsWithKafkasErrors() {
        assertThatThrownBy(() -> placer.placeNewTopic(3, (short) 3, brokers(1, 2)))
            .isInstanceOf(InvalidReplicationFactorException.class)
            .hasMessage("Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be "
                + "reached because only 2 broker(s) are registered.");
        assertThatThrownBy(() -> placer.placeNewTopic(3, (short) 1, List.of()))
            .isInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> placer.placeNewTopic(0, (short) 1, brokers(1)))
            .isInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> placer.placeNewTopic(1, (short) 0, brokers(1)))
            .isInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void explicitAssignmentsAreChecked() {
        Set<Integer> live = Set.of(1, 2, 3);

        assertThat(AssignmentValidator.validate(List.of(List.of(1, 2), List.of(2, 3)), -1, live)).isEqualTo((short) 2);
        assertThatThrownBy(() -> AssignmentValidator.validate(List.of(List.of(1, 1)), -1, live))
            .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("more than once");
        assertThatThrownBy(() -> AssignmentValidator.validate(List.of(List.of(1, 9)), -1, live))
            .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("broker 9");
        assertThatThrownBy(() -> AssignmentValidator.validate(List.of(List.of(1), List.of(1, 2)), -1, live))
            .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("not consistent");
        assertThatThrownBy(() -> AssignmentValidator.validate(List.of(List.of()), -1, live))
            .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("empty replica list");
        assertThatThrownBy(() -> AssignmentValidator.validate(List.of(List.of(1)), 2, live))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
    }
}
