package io.sluice.broker.http;

import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.internals.Topic;

import java.util.List;

/**
 * A topic, as Confluent's {@code TopicData}: {@code kind} "KafkaTopic", {@code cluster_id}, {@code topic_name},
 * {@code is_internal}, {@code replication_factor}, {@code partitions_count}, links to its partitions and configs;
 * plus Sluice's {@code topic_id} (KIP-516, base64) and, when the topic is described alone,
 * {@code partition_details}: every partition inline (leader, replicas, ISR, offsets; see {@link PartitionData}).
 */
public record TopicData(String kind, V3.ResourceMetadata metadata, String clusterId, String topicName, String topicId,
                        boolean isInternal, int replicationFactor, int partitionsCount, V3.Related partitions,
                        V3.Related configs, List<PartitionData> partitionDetails) {

    /** @param partitionDetails the partitions inline, or null to leave them out (topic lists) */
    static TopicData of(ClusterScope scope, TopicMetadata topic, List<PartitionData> partitionDetails) {
        ResourceUrls urls = scope.urls();
        return new TopicData("KafkaTopic", new V3.ResourceMetadata(urls.topic(topic.name()),
                urls.topicCrn(topic.name())), scope.clusterId(), topic.name(), topic.topicId().toString(),
                Topic.isInternal(topic.name()), topic.replicationFactor(), topic.partitionCount(),
                new V3.Related(urls.partitions(topic.name())), new V3.Related(urls.configs(topic.name())),
                partitionDetails == null ? null : List.copyOf(partitionDetails));
    }
}
