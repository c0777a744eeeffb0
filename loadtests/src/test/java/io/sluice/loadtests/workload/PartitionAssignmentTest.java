package io.sluice.loadtests.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionAssignmentTest {
    @Test
    void spreadsPartitionsRoundRobin() {
        assertThat(PartitionAssignment.split(6, 4)).containsExactly(
            List.of(0, 4), List.of(1, 5), List.of(2), List.of(3));
    }

    @Test
    void evenSplit() {
        assertThat(PartitionAssignment.split(6, 3)).containsExactly(List.of(0, 3), List.of(1, 4), List.of(2, 5));
    }

    @Test
    void moreConsumersThanPartitionsLeavesTheExtraOnesOut() {
        assertThat(PartitionAssignment.split(2, 5)).containsExactly(List.of(0), List.of(1));
    }

    @Test
    void everyPartitionExactlyOnce() {
        for (int partitions = 1; partitions <= 12; partitions++) {
            for (int consumers = 1; consumers <= 12; consumers++) {
                List<Integer> all = PartitionAssignment.split(partitions, consumers).stream().flatMap(List::stream).sorted().toList();
                assertThat(all).hasSize(partitions).doesNotHaveDuplicates().startsWith(0).endsWith(partitions - 1);
            }
        }
    }

    @Test
    void rejectsZero() {
        assertThatThrownBy(() -> PartitionAssignment.split(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionAssignment.split(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
