package io.sluice.metadata;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A topic as the metadata store holds it.
 *
 * @param name              the topic name (valid per Kafka's {@code Topic.validate})
 * @param topicId           the topic ID (KIP-516); a topic deleted and re-created with the same name gets a new one
 * @param replicationFactor the number of replicas each partition was created with
 * @param configOverrides   only the per-topic overrides (e.g. {@code retention.ms}); defaults are applied by readers
 *                          through {@link io.sluice.metadata.config.TopicConfigDefs#resolve}
 * @param partitions        partition index (0-based, contiguous) to its state
 */
public record TopicMetadata(String name, Uuid topicId, short replicationFactor,
                            Map<String, String> configOverrides, SortedMap<Integer, PartitionState> partitions) {

    public TopicMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        configOverrides = Collections.unmodifiableMap(new TreeMap<>(configOverrides));
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    /** The number of partitions; partitions are numbered {@code 0} (inclusive) to this count (exclusive). */
    public int partitionCount() {
        return partitions.size();
    }

    /** The state of one partition, empty when the index is out of range. */
    public Optional<PartitionState> partition(int partition) {
        return Optional.ofNullable(partitions.get(partition));
    }

    /** The id-qualified name of one partition of this topic. */
    public TopicIdPartition topicIdPartition(int partition) {
        return new TopicIdPartition(topicId, partition, name);
    }
}
