package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Builds and parses the etcd keys of one namespace. The layout (documented in {@code docs/etcd-key-layout.md}):
 * <pre>
 * &lt;ns&gt;/v1/cluster-id
 * &lt;ns&gt;/v1/controller
 * &lt;ns&gt;/v1/controller-epoch
 * &lt;ns&gt;/v1/brokers/&lt;brokerId&gt;
 * &lt;ns&gt;/v1/topic-names/&lt;name with '.' → '_'&gt;
 * &lt;ns&gt;/v1/topics/&lt;topicId&gt;
 * &lt;ns&gt;/v1/partitions/&lt;topicId&gt;/&lt;partition&gt;
 * &lt;ns&gt;/v1/producer-ids
 * &lt;ns&gt;/v1/sync
 * &lt;ns&gt;/remote-log/v1/partitions/&lt;topicId&gt;/&lt;partition&gt;
 * &lt;ns&gt;/remote-log/v1/segments/&lt;topicId&gt;/&lt;partition&gt;/&lt;20-digit base offset&gt;
 * </pre>
 * The {@code remote-log} tree lies outside {@code <ns>/v1/}, so the metadata cache neither loads nor watches it (it
 * grows with retention: one key per remote segment).
 */
final class EtcdKeys {

    private static final String CLUSTER_ID = "cluster-id";
    private static final String CONTROLLER = "controller";
    private static final String CONTROLLER_EPOCH = "controller-epoch";
    private static final String BROKERS = "brokers/";
    private static final String TOPIC_NAMES = "topic-names/";
    private static final String TOPICS = "topics/";
    private static final String PARTITIONS = "partitions/";
    private static final String PRODUCER_IDS = "producer-ids";
    private static final String SYNC = "sync";

    private static final String REMOTE_PARTITIONS = "partitions/";
    private static final String REMOTE_SEGMENTS = "segments/";

    private final String root;
    private final String remoteRoot;

    /** @param namespace e.g. {@code /sluice} */
    EtcdKeys(String namespace) {
        this.root = namespace + "/v1/";
        this.remoteRoot = namespace + "/remote-log/v1/";
    }

    /** The prefix every key of this namespace starts with, e.g. {@code /sluice/v1/}. */
    ByteSequence root() {
        return bytes(root);
    }

    ByteSequence clusterId() {
        return bytes(root + CLUSTER_ID);
    }

    ByteSequence controller() {
        return bytes(root + CONTROLLER);
    }

    ByteSequence controllerEpoch() {
        return bytes(root + CONTROLLER_EPOCH);
    }

    ByteSequence broker(int brokerId) {
        return bytes(root + BROKERS + brokerId);
    }

    /** The name claim key: names that collide in Kafka's metric names ('.' versus '_') share it. */
    ByteSequence topicName(String name) {
        return bytes(root + TOPIC_NAMES + Topic.unifyCollisionChars(name));
    }

    ByteSequence topic(Uuid topicId) {
        return bytes(root + TOPICS + topicId);
    }

    ByteSequence partitionsOf(Uuid topicId) {
        return bytes(root + PARTITIONS + topicId + "/");
    }

    ByteSequence partition(Uuid topicId, int partition) {
        return bytes(root + PARTITIONS + topicId + "/" + partition);
    }

    ByteSequence sync() {
        return bytes(root + SYNC);
    }

    /** The first key after every key of this namespace (exclusive end of the namespace's range). */
    ByteSequence rootEnd() {
        return bytes(root.substring(0, root.length() - 1) + (char) (root.charAt(root.length() - 1) + 1));
    }

    ByteSequence producerIds() {
        return bytes(root + PRODUCER_IDS);
    }

    /** The remote log summary of a partition ({@code RemoteLogState}). */
    ByteSequence remoteLogState(Uuid topicId, int partition) {
        return bytes(remoteRoot + REMOTE_PARTITIONS + topicId + "/" + partition);
    }

    /** The prefix of every remote log summary of a topic. */
    ByteSequence remoteLogStatesOf(Uuid topicId) {
        return bytes(remoteRoot + REMOTE_PARTITIONS + topicId + "/");
    }

    /** The prefix of every remote log summary. */
    ByteSequence remoteLogStates() {
        return bytes(remoteRoot + REMOTE_PARTITIONS);
    }

    /** The registration of the remote segment of a partition starting at {@code baseOffset}. */
    ByteSequence remoteSegment(Uuid topicId, int partition, long baseOffset) {
        return bytes(remoteRoot + REMOTE_SEGMENTS + topicId + "/" + partition + "/"
            + String.format("%020d", baseOffset));
    }

    /** The prefix of a partition's remote segment registrations; keys sort by base offset. */
    ByteSequence remoteSegmentsOf(Uuid topicId, int partition) {
        return bytes(remoteRoot + REMOTE_SEGMENTS + topicId + "/" + partition + "/");
    }

    /** The prefix of every remote segment registration of a topic. */
    ByteSequence remoteSegmentsOf(Uuid topicId) {
        return bytes(remoteRoot + REMOTE_SEGMENTS + topicId + "/");
    }

    /** A topic ID and partition index. */
    record RemotePartition(Uuid topicId, int partition) {
    }

    /** The partition of a remote log summary key ({@link #remoteLogState}); empty for other keys. */
    Optional<RemotePartition> parseRemoteLogState(ByteSequence key) {
        String path = key.toString(StandardCharsets.UTF_8);
        String prefix = remoteRoot + REMOTE_PARTITIONS;
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = path.substring(prefix.length()).split("/", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RemotePartition(Uuid.fromString(parts[0]), Integer.parseInt(parts[1])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Parses a key of this namespace; keys outside it or not matching the layout give {@link MetadataKey.Unknown}. */
    MetadataKey parse(ByteSequence key) {
        String path = key.toString(StandardCharsets.UTF_8);
        if (!path.startsWith(root)) {
            return new MetadataKey.Unknown(path);
        }
        String rest = path.substring(root.length());
        try {
            if (rest.equals(CLUSTER_ID)) {
                return new MetadataKey.ClusterId();
            } else if (rest.equals(CONTROLLER)) {
                return new MetadataKey.Controller();
            } else if (rest.equals(CONTROLLER_EPOCH)) {
                return new MetadataKey.ControllerEpoch();
            } else if (rest.equals(PRODUCER_IDS)) {
                return new MetadataKey.ProducerIds();
            } else if (rest.equals(SYNC)) {
                return new MetadataKey.Sync();
            } else if (rest.startsWith(BROKERS)) {
                return new MetadataKey.Broker(Integer.parseInt(rest.substring(BROKERS.length())));
            } else if (rest.startsWith(TOPIC_NAMES)) {
                return new MetadataKey.TopicName(rest.substring(TOPIC_NAMES.length()));
            } else if (rest.startsWith(TOPICS)) {
                return new MetadataKey.Topic(Uuid.fromString(rest.substring(TOPICS.length())));
            } else if (rest.startsWith(PARTITIONS)) {
                String[] parts = rest.substring(PARTITIONS.length()).split("/", -1);
                if (parts.length == 2) {
                    return new MetadataKey.Partition(Uuid.fromString(parts[0]), Integer.parseInt(parts[1]));
                }
            }
        } catch (IllegalArgumentException e) {
            return new MetadataKey.Unknown(path);
        }
        return new MetadataKey.Unknown(path);
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
