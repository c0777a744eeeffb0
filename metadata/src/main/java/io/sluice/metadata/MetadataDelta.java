package io.sluice.metadata;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What changed between two {@link MetadataImage}s (the counterpart of Kafka's {@code MetadataDelta}), handed to
 * {@link MetadataListener}s.
 *
 * @param previousRevision    revision of the image before
 * @param revision            revision of the image after
 * @param clusterIdCreated    the cluster id if it appeared in this step
 * @param registeredBrokers   brokers that appeared, whose registration changed, or that registered again (a new
 *                            broker epoch, e.g. after a restart whose deregistration fell into the same step); new
 *                            value
 * @param unregisteredBrokers brokers that disappeared (old value): lease revoked or expired
 * @param createdTopics       topics that appeared (by topic ID)
 * @param deletedTopics       topics that disappeared (old value)
 * @param changedTopics       topics present in both whose configs or partitions changed (new value)
 * @param partitionChanges    every partition that appeared, disappeared or changed state, including those of created
 *                            and deleted topics
 * @param controllerChanged   whether the active controller or the controller epoch changed (see
 *                            {@link MetadataImage#controllerId()})
 */
public record MetadataDelta(long previousRevision, long revision, Optional<String> clusterIdCreated,
                            List<BrokerRegistration> registeredBrokers, List<BrokerRegistration> unregisteredBrokers,
                            List<TopicMetadata> createdTopics, List<TopicMetadata> deletedTopics,
                            List<TopicMetadata> changedTopics, List<PartitionChange> partitionChanges,
                            boolean controllerChanged) {

    public MetadataDelta {
        Objects.requireNonNull(clusterIdCreated, "clusterIdCreated");
        registeredBrokers = List.copyOf(registeredBrokers);
        unregisteredBrokers = List.copyOf(unregisteredBrokers);
        createdTopics = List.copyOf(createdTopics);
        deletedTopics = List.copyOf(deletedTopics);
        changedTopics = List.copyOf(changedTopics);
        partitionChanges = List.copyOf(partitionChanges);
    }

    /** A delta in which the controller did not change. */
    public MetadataDelta(long previousRevision, long revision, Optional<String> clusterIdCreated,
                         List<BrokerRegistration> registeredBrokers, List<BrokerRegistration> unregisteredBrokers,
                         List<TopicMetadata> createdTopics, List<TopicMetadata> deletedTopics,
                         List<TopicMetadata> changedTopics, List<PartitionChange> partitionChanges) {
        this(previousRevision, revision, clusterIdCreated, registeredBrokers, unregisteredBrokers, createdTopics,
            deletedTopics, changedTopics, partitionChanges, false);
    }

    /** Computes the delta from {@code previous} to {@code next}. Topics are matched by topic ID. */
    public static MetadataDelta between(MetadataImage previous, MetadataImage next) {
        Optional<String> clusterId = previous.clusterId().isEmpty() ? next.clusterId() : Optional.empty();
        List<BrokerRegistration> registered = new ArrayList<>();
        List<BrokerRegistration> unregistered = new ArrayList<>();
        next.brokers().forEach((id, broker) -> {
            if (!broker.equals(previous.brokers().get(id))
                || !previous.brokerEpoch(id).equals(next.brokerEpoch(id))) {
                registered.add(broker);
            }
        });
        previous.brokers().forEach((id, broker) -> {
            if (!next.brokers().containsKey(id)) {
                unregistered.add(broker);
            }
        });
        List<TopicMetadata> created = new ArrayList<>();
        List<TopicMetadata> deleted = new ArrayList<>();
        List<TopicMetadata> changed = new ArrayList<>();
        List<PartitionChange> partitions = new ArrayList<>();
        for (Map.Entry<Uuid, TopicMetadata> entry : next.topicsById().entrySet()) {
            TopicMetadata before = previous.topicsById().get(entry.getKey());
            TopicMetadata after = entry.getValue();
            if (before == null) {
                created.add(after);
            } else if (before != after && !before.equals(after)) {
                changed.add(after);
            }
            addPartitionChanges(before, after, partitions);
        }
        for (Map.Entry<Uuid, TopicMetadata> entry : previous.topicsById().entrySet()) {
            if (!next.topicsById().containsKey(entry.getKey())) {
                deleted.add(entry.getValue());
                addPartitionChanges(entry.getValue(), null, partitions);
            }
        }
        boolean controllerChanged = previous.controllerId() != next.controllerId()
            || previous.controllerEpoch() != next.controllerEpoch();
        return new MetadataDelta(previous.revision(), next.revision(), clusterId, registered, unregistered,
            created, deleted, changed, partitions, controllerChanged);
    }

    private static void addPartitionChanges(TopicMetadata before, TopicMetadata after, List<PartitionChange> out) {
        if (before == after) {
            return;
        }
        TopicMetadata any = after != null ? after : before;
        int count = Math.max(before == null ? 0 : before.partitionCount(), after == null ? 0 : after.partitionCount());
        for (int p = 0; p < count; p++) {
            Optional<PartitionState> was = before == null ? Optional.empty() : before.partition(p);
            Optional<PartitionState> now = after == null ? Optional.empty() : after.partition(p);
            if (!was.equals(now)) {
                out.add(new PartitionChange(any.topicIdPartition(p), was, now));
            }
        }
    }

    /** Whether nothing changed (only the revision may have moved). */
    public boolean isEmpty() {
        return clusterIdCreated.isEmpty() && registeredBrokers.isEmpty() && unregisteredBrokers.isEmpty()
            && createdTopics.isEmpty() && deletedTopics.isEmpty() && changedTopics.isEmpty()
            && partitionChanges.isEmpty() && !controllerChanged;
    }
}
