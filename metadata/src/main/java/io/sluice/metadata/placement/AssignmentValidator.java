package io.sluice.metadata.placement;

import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks explicit replica assignments (CreateTopics {@code assignments}, CreatePartitions {@code assignments}) with
 * the rules and messages of Kafka's {@code ReplicationControlManager}.
 */
public final class AssignmentValidator {

    private AssignmentValidator() {
    }

    /**
     * @param assignments     replica lists, one per partition in order
     * @param expectedReplicationFactor the replication factor every list must have, or -1 to take the first list's
     * @param liveBrokerIds   brokers that may hold replicas
     * @return the replication factor of the lists
     * @throws InvalidReplicaAssignmentException on an empty list, a duplicate broker, an unregistered broker or an
     *         inconsistent replication factor
     */
    public static short validate(List<List<Integer>> assignments, int expectedReplicationFactor,
                                 Set<Integer> liveBrokerIds) {
        if (assignments.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment is empty.");
        }
        int rf = expectedReplicationFactor;
        for (List<Integer> replicas : assignments) {
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException(
                    "The manual partition assignment includes an empty replica list.");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer broker : replicas) {
                if (!seen.add(broker)) {
                    throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes the broker " + broker + " more than once.");
                }
                if (!liveBrokerIds.contains(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + broker + ", but no such broker is registered.");
                }
            }
            if (rf < 0) {
                rf = replicas.size();
            } else if (replicas.size() != rf) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition "
                    + "with " + replicas.size() + " replica(s), but this is not consistent with previous partitions, "
                    + "which have " + rf + " replica(s).");
            }
        }
        if (rf > Short.MAX_VALUE) {
            throw new InvalidReplicaAssignmentException("Too many replicas: " + rf);
        }
        return (short) rf;
    }
}
