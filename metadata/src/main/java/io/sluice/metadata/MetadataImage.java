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
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of the cluster metadata as of one etcd revision (the counterpart of Kafka's
 * {@code MetadataImage}). Readers get it from {@link MetadataCache#image()} without touching etcd; the cache swaps a
 * new image in atomically after each change, so one image is always internally consistent.
 */
public final class MetadataImage {

    /** The value of {@link #controllerId()} when no controller is active (Kafka's {@code MetadataResponse.NO_CONTROLLER_ID}). */
    public static final int NO_CONTROLLER = -1;

    /** The image before anything was loaded: revision 0, nothing known. */
    public static final MetadataImage EMPTY = new MetadataImage(0, Optional.empty(), Map.of(), List.of());

    private final long revision;
    private final Optional<String> clusterId;
    private final SortedMap<Integer, BrokerRegistration> brokers;
    private final Map<Integer, Long> brokerEpochs;
    private final Map<String, TopicMetadata> topicsByName;
    private final Map<Uuid, TopicMetadata> topicsById;
    private final int controllerId;
    private final int controllerEpoch;

    /**
     * An image without broker epochs and without a controller (for tests and tools).
     *
     * @param revision  the etcd revision this image reflects: every change up to and including it is applied
     * @param clusterId the cluster id, empty until created
     * @param brokers   live (registered) brokers by id
     * @param topics    all topics; names and ids must be unique
     */
    public MetadataImage(long revision, Optional<String> clusterId, Map<Integer, BrokerRegistration> brokers,
                         Collection<TopicMetadata> topics) {
        this(revision, clusterId, brokers, Map.of(), topics, NO_CONTROLLER, 0);
    }

    /**
     * @param revision        the etcd revision this image reflects: every change up to and including it is applied
     * @param clusterId       the cluster id, empty until created
     * @param brokers         live (registered) brokers by id
     * @param brokerEpochs    broker id to broker epoch (see {@link #brokerEpoch(int)}); only ids in {@code brokers}
     *                        are kept, and a live broker may be missing (its epoch is then unknown)
     * @param topics          all topics; names and ids must be unique
     * @param controllerId    the broker id of the active controller, or {@link #NO_CONTROLLER}
     * @param controllerEpoch the epoch of the latest controller election ({@code >= 0}; 0 before the first)
     */
    public MetadataImage(long revision, Optional<String> clusterId, Map<Integer, BrokerRegistration> brokers,
                         Map<Integer, Long> brokerEpochs, Collection<TopicMetadata> topics, int controllerId,
                         int controllerEpoch) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0");
        }
        if (controllerId < NO_CONTROLLER || controllerEpoch < 0) {
            throw new IllegalArgumentException("controllerId must be >= -1 and controllerEpoch >= 0, got "
                + controllerId + " and " + controllerEpoch);
        }
        this.revision = revision;
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        Map<Integer, Long> epochs = new TreeMap<>(brokerEpochs);
        epochs.keySet().retainAll(this.brokers.keySet());
        this.brokerEpochs = Collections.unmodifiableMap(epochs);
        this.controllerId = controllerId;
        this.controllerEpoch = controllerEpoch;
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

    /**
     * The broker epoch of a live broker: the etcd revision at which its current registration was created (the same
     * number as {@link BrokerLease#brokerEpoch()}). A broker that re-registers (after a restart or a lost lease) gets
     * a larger one, like Kafka's broker epoch. Empty when the broker is not live or the epoch is not known.
     */
    public OptionalLong brokerEpoch(int brokerId) {
        Long epoch = brokerEpochs.get(brokerId);
        return epoch == null ? OptionalLong.empty() : OptionalLong.of(epoch);
    }

    /** Broker id to broker epoch of the live brokers whose epoch is known (see {@link #brokerEpoch(int)}). */
    public Map<Integer, Long> brokerEpochs() {
        return brokerEpochs;
    }

    /**
     * The broker id of the active controller, or {@link #NO_CONTROLLER} (-1) while none holds the controller lease
     * (between a controller's death and the next election). Brokers report it as {@code controller_id} in Metadata
     * and DescribeCluster responses.
     */
    public int controllerId() {
        return controllerId;
    }

    /**
     * The epoch of the latest controller election (1 for the first controller, +1 per election; 0 before any). It
     * never decreases. While {@link #controllerId()} is set, it is that controller's epoch.
     */
    public int controllerEpoch() {
        return controllerEpoch;
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
        return new MetadataImage(newRevision, clusterId, brokers, brokerEpochs, topicsById.values(), controllerId,
            controllerEpoch);
    }

    @Override
    public String toString() {
        return "MetadataImage(revision=" + revision + ", clusterId=" + clusterId.orElse("-") + ", brokers="
            + brokers.keySet() + ", controller=" + controllerId + " (epoch " + controllerEpoch + "), topics="
            + new TreeMap<>(topicsByName).keySet() + ")";
    }
}
