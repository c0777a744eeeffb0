package io.sluice.loadtests.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a topic's partitions among consumers for manual assignment ({@code KafkaConsumer.assign}), the
 * way Kafka's {@code RoundRobinAssignor} spreads them: partition {@code p} goes to consumer
 * {@code p % consumers}. No consumer group is involved.
 */
public final class PartitionAssignment {
    private PartitionAssignment() {
    }

    /**
     * @param partitions number of partitions, ids {@code 0 .. partitions - 1}, at least 1
     * @param consumers number of consumers, at least 1
     * @return {@code min(partitions, consumers)} lists, each non-empty and in ascending partition order; their
     *     union is every partition exactly once (consumers beyond the partition count get nothing and are
     *     left out)
     */
    public static List<List<Integer>> split(int partitions, int consumers) {
        if (partitions < 1 || consumers < 1) {
            throw new IllegalArgumentException("partitions and consumers must be at least 1, got "
                + partitions + " and " + consumers);
        }
        int groups = Math.min(partitions, consumers);
        List<List<Integer>> result = new ArrayList<>(groups);
        for (int i = 0; i < groups; i++) {
            result.add(new ArrayList<>());
        }
        for (int p = 0; p < partitions; p++) {
            result.get(p % groups).add(p);
        }
        return result.stream().map(List::copyOf).toList();
    }
}
