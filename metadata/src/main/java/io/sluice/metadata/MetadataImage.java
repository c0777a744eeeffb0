package io.sluice.metadata;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of the cluster metadata as of one etcd revision (the counterpart of Kafka's
 * {@code MetadataImage}). Readers get it from {@link MetadataCache#image()} without touching etcd; the cache swaps a
 * new image in atomically after each change, so one image is always internally consistent.
 */
public final class MetadataImage {

    /** The image before anything was loaded: revision 0, nothing known. */
    public static final MetadataImage EMPTY = new MetadataImage(0, Optional.empty(), Map.of(), List.of());

    private final long revision;
    private final Optional<String> clusterId;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final Map<String, TopicMetadata> topicsByName;
    private final Map<Uuid, TopicMetadata> topicsById;

    /**
     * @param revision  the etcd revision this image reflects: every change up to and including it is applied
     * @param clusterId the cluster id, empty until created
     * @param brokers   live (registered) brokers by id
     * @param topics    all topics; names and ids must be unique
     */
    public MetadataImage(long revision, Optional<String> clusterId, Map<Integer, BrokerRegistration> brokers,
                         Collection<TopicMetadata> topics) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0");
        }
        this.revision = revision;
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        Map<String, TopicMetadata> byName = new HashMap<>();
        Map<Uuid, TopicMetadata> byId = new HashMap<>();
        for (TopicMetadata topic : topics) {
            if (byName.put(topic.name(), topic) != null || byId.put(topic.topicId(), topic) != null) {
                throw new IllegalArgumentException("duplicate topic " + topic.name() + " / " + topic.topicId());
            }
        }
        this.topicsByName = Collections.unmodifiableMap(byName);
        this.topicsById = Collections.unmodifiableMap(byId);
    }

    /** The etcd revision this image reflects (inclusive). */
    public long revision() {
        return revision;
    }

    /** The cluster id (22-character base64 Kafka {@code Uuid} string), empty until it was created. */
    public Optional<String> clusterId() {
        return clusterId;
    }

    /** Live brokers by id, ascending. */
    public SortedMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    /** Live brokers ordered by id. */
    public List<BrokerRegistration> liveBrokers() {
        return List.copyOf(brokers.values());
    }

    /** One live broker. */
    public Optional<BrokerRegistration> broker(int brokerId) {
        return Optional.ofNullable(brokers.get(brokerId));
    }

    /** All topics by name. */
    public Map<String, TopicMetadata> topicsByName() {
        return topicsByName;
    }

    /** All topics by topic ID. */
    public Map<Uuid, TopicMetadata> topicsById() {
        return topicsById;
    }

    /** One topic by name. */
    public Optional<TopicMetadata> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    /** One topic by ID. */
    public Optional<TopicMetadata> topic(Uuid topicId) {
        return Optional.ofNullable(topicsById.get(topicId));
    }

    /** The state of one partition, empty if the topic or the partition does not exist. */
    public Optional<PartitionState> partition(TopicPartition topicPartition) {
        return topic(topicPartition.topic()).flatMap(t -> t.partition(topicPartition.partition()));
    }

    /** The state of one partition by topic ID, empty if the topic or the partition does not exist. */
    public Optional<PartitionState> partition(Uuid topicId, int partition) {
        return topic(topicId).flatMap(t -> t.partition(partition));
    }

    /** A copy of this image at another revision (same content); used when etcd reports progress without changes. */
    public MetadataImage withRevision(long newRevision) {
        return new MetadataImage(newRevision, clusterId, brokers, topicsById.values());
    }

    @Override
    public String toString() {
        return "MetadataImage(revision=" + revision + ", clusterId=" + clusterId.orElse("-") + ", brokers="
            + brokers.keySet() + ", topics=" + new TreeMap<>(topicsByName).keySet() + ")";
    }
}
