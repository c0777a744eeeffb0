package io.sluice.metadata.etcd;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.config.BrokerDefaults;
import io.sluice.metadata.config.TopicConfigDefs;
import io.sluice.metadata.placement.AssignmentValidator;
import io.sluice.metadata.placement.ReplicaPlacer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Validates a CreateTopics request and decides the new topic (ID, replica assignment, overrides) without touching
 * etcd. Checks, in Kafka's order: name, counts versus explicit assignment, counts, placement (replication factor
 * versus live brokers), configs.
 */
final class TopicPlanner {

    private final ReplicaPlacer placer;
    private final Map<String, String> brokerDefaults;

    TopicPlanner(ReplicaPlacer placer, Map<String, String> brokerDefaults) {
        this.placer = placer;
        this.brokerDefaults = brokerDefaults;
    }

    /**
     * @return the topic document to write
     * @throws org.apache.kafka.common.errors.ApiException the Kafka error CreateTopics would return
     */
    StoredValues.TopicValue plan(NewTopicRequest request, List<BrokerRegistration> liveBrokers) {
        Topic.validate(request.name());
        List<List<Integer>> assignments;
        short replicationFactor;
        if (!request.assignments().isEmpty()) {
            if (request.numPartitions() != NewTopicRequest.USE_DEFAULT
                || request.replicationFactor() != NewTopicRequest.USE_DEFAULT) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                    + "were set. Both cannot be used at the same time.");
            }
            assignments = explicit(request);
            replicationFactor = AssignmentValidator.validate(assignments, -1, ids(liveBrokers));
        } else {
            int partitions = request.numPartitions() == NewTopicRequest.USE_DEFAULT
                ? BrokerDefaults.defaultNumPartitions(brokerDefaults) : request.numPartitions();
            replicationFactor = request.replicationFactor() == NewTopicRequest.USE_DEFAULT
                ? BrokerDefaults.defaultReplicationFactor(brokerDefaults) : request.replicationFactor();
            if (partitions <= 0) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
            }
            if (replicationFactor <= 0) {
                throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            assignments = placer.placeNewTopic(partitions, replicationFactor, liveBrokers);
        }
        TopicConfigDefs.validate(request.configs(), brokerDefaults);
        return new StoredValues.TopicValue(StoredValues.VERSION, request.name(), Uuid.randomUuid().toString(),
            replicationFactor, new TreeMap<>(request.configs()), assignments);
    }

    private static List<List<Integer>> explicit(NewTopicRequest request) {
        List<List<Integer>> out = new ArrayList<>();
        int expected = 0;
        for (Map.Entry<Integer, List<Integer>> entry : request.assignments().entrySet()) {
            if (entry.getKey() != expected) {
                throw new InvalidReplicaAssignmentException(
                    "Partitions should be a consecutive 0-based integer sequence, but partition " + expected
                        + " is missing.");
            }
            out.add(entry.getValue());
            expected++;
        }
        return out;
    }

    static Set<Integer> ids(List<BrokerRegistration> brokers) {
        return brokers.stream().map(BrokerRegistration::brokerId).collect(Collectors.toSet());
    }
}
