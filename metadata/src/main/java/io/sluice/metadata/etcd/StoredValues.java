package io.sluice.metadata.etcd;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON documents stored as etcd values. Each carries {@code "version": 1}; readers reject other versions and
 * ignore unknown fields (so fields can be added within a version). Layout and ownership: docs/etcd-key-layout.md.
 */
final class StoredValues {

    static final int VERSION = 1;

    private StoredValues() {
    }

    /** Every stored document has a format version. */
    interface Versioned {
        int version();
    }

    /** {@code cluster-id}. */
    record ClusterIdValue(int version, String clusterId) implements Versioned {
    }

    /** {@code brokers/<id>}; {@code rack} is null when unset. */
    record BrokerValue(int version, int brokerId, String host, int kafkaPort, int httpPort, String rack)
        implements Versioned {

        static BrokerValue of(BrokerRegistration r) {
            return new BrokerValue(VERSION, r.brokerId(), r.host(), r.kafkaPort(), r.httpPort(), r.rack().orElse(null));
        }

        BrokerRegistration toRegistration() {
            return new BrokerRegistration(brokerId, host, kafkaPort, httpPort, Optional.ofNullable(rack));
        }
    }

    /** {@code topic-names/<unified>}: which exact name and topic ID own a name. */
    record TopicNameValue(int version, String name, String topicId) implements Versioned {
    }

    /**
     * {@code topics/<topicId>}: the topic definition. {@code assignments} holds the replicas each partition was created
     * with, partition 0 first; the partition count is its size.
     */
    record TopicValue(int version, String name, String topicId, short replicationFactor, Map<String, String> configs,
                      List<List<Integer>> assignments) implements Versioned {

        Uuid id() {
            return Uuid.fromString(topicId);
        }

        /**
         * The topic with each partition's stored state, or for partitions without a stored state the initial one
         * derived from the assignment (leader = first replica, epochs 0, ISR = replicas).
         */
        TopicMetadata toMetadata(Map<Integer, PartitionState> storedStates) {
            SortedMap<Integer, PartitionState> partitions = new TreeMap<>();
            for (int p = 0; p < assignments.size(); p++) {
                PartitionState stored = storedStates.get(p);
                partitions.put(p, stored != null ? stored : PartitionState.initial(assignments.get(p)));
            }
            return new TopicMetadata(name, id(), replicationFactor, configs == null ? Map.of() : configs, partitions);
        }
    }

    /** {@code partitions/<topicId>/<partition>}: state written after the first change. */
    record PartitionValue(int version, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                          int partitionEpoch) implements Versioned {

        static PartitionValue of(PartitionState s) {
            return new PartitionValue(VERSION, s.leader(), s.leaderEpoch(), s.replicas(), s.isr(), s.partitionEpoch());
        }

        PartitionState toState() {
            return new PartitionState(leader, leaderEpoch, replicas, isr, partitionEpoch);
        }
    }

    /** {@code producer-ids}: the next unallocated producer id. */
    record ProducerIdsValue(int version, long nextProducerId, int lastBrokerId) implements Versioned {
    }

    /**
     * {@code controller}: the active controller, bound to its lease (deleted by etcd when the lease ends). Written in
     * the same transaction as {@link ControllerEpochValue} with the same epoch.
     */
    record ControllerValue(int version, int brokerId, int epoch) implements Versioned {
    }

    /**
     * {@code controller-epoch}: the epoch of the latest controller election, never deleted; each election writes
     * {@code epoch + 1}. {@code brokerId} is the broker elected at that epoch.
     */
    record ControllerEpochValue(int version, int epoch, int brokerId) implements Versioned {
    }

    /** {@code sync}: a marker written to make every cache see a fresh revision of this namespace. */
    record SyncValue(int version, String writer) implements Versioned {
    }
}
