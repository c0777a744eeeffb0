package io.sluice.metadata.etcd;

import org.apache.kafka.common.Uuid;

/** A parsed etcd key of the Sluice layout (see {@code docs/etcd-key-layout.md}). */
sealed interface MetadataKey {

    /** {@code <ns>/v1/cluster-id}. */
    record ClusterId() implements MetadataKey {
    }

    /** {@code <ns>/v1/brokers/<brokerId>}. */
    record Broker(int brokerId) implements MetadataKey {
    }

    /** {@code <ns>/v1/topic-names/<unified name>}: the claim of a topic name. */
    record TopicName(String unifiedName) implements MetadataKey {
    }

    /** {@code <ns>/v1/topics/<topicId>}: a topic's definition. */
    record Topic(Uuid topicId) implements MetadataKey {
    }

    /** {@code <ns>/v1/partitions/<topicId>/<partition>}: a partition's state. */
    record Partition(Uuid topicId, int partition) implements MetadataKey {
    }

    /** {@code <ns>/v1/producer-ids}. */
    record ProducerIds() implements MetadataKey {
    }

    /** {@code <ns>/v1/sync}: a marker written to advance caches to a fresh revision. */
    record Sync() implements MetadataKey {
    }

    /** {@code <ns>/v1/controller}: the active controller (lease-bound). */
    record Controller() implements MetadataKey {
    }

    /** {@code <ns>/v1/controller-epoch}: the latest controller epoch (persistent). */
    record ControllerEpoch() implements MetadataKey {
    }

    /** Any other key under the namespace (written by a newer version, or garbage); ignored. */
    record Unknown(String path) implements MetadataKey {
    }
}
