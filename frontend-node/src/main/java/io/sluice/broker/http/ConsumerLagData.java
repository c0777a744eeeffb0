package io.sluice.broker.http;

import io.sluice.broker.coordinator.lag.PartitionLag;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * A consumer group's lag on one partition, as Confluent's {@code ConsumerLagData}: {@code kind}
 * "KafkaConsumerLag", {@code cluster_id}, {@code consumer_group_id}, {@code topic_name}, {@code partition_id},
 * {@code current_offset} (the group's committed offset: the next offset it will consume), {@code log_end_offset}
 * (the partition's high watermark), {@code lag} ({@link PartitionLag#lag()}: {@code log_end_offset -
 * current_offset}, never below 0), and the member the partition is assigned to: {@code consumer_id},
 * {@code instance_id}, {@code client_id} ("" when no member has it; {@code instance_id} left out).
 */
public record ConsumerLagData(String kind, V3.ResourceMetadata metadata, String clusterId, String consumerGroupId,
                              String topicName, int partitionId, long currentOffset, long logEndOffset, long lag,
                              String consumerId, String instanceId, String clientId) {

    /** @param owner the member the partition is assigned to, or null */
    static ConsumerLagData of(ClusterScope scope, String groupId, PartitionLag lag, MemberDescription owner) {
        ResourceUrls urls = scope.urls();
        String topic = lag.partition().topic();
        int partition = lag.partition().partition();
        return new ConsumerLagData("KafkaConsumerLag", new V3.ResourceMetadata(urls.lag(groupId, topic, partition),
                urls.lagCrn(groupId, topic, partition)), scope.clusterId(), groupId, topic, partition,
                lag.committedOffset(), lag.logEndOffset(), lag.lag(), owner == null ? "" : owner.consumerId(),
                owner == null ? null : owner.groupInstanceId().orElse(null), owner == null ? "" : owner.clientId());
    }
}
