package io.sluice.broker.http;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import io.sluice.broker.coordinator.lag.PartitionLag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member of a consumer group, as Confluent's {@code ConsumerData}: {@code kind} "KafkaConsumer",
 * {@code cluster_id}, {@code consumer_group_id}, {@code consumer_id} (the member id the coordinator gave it),
 * {@code instance_id} (its {@code group.instance.id}, KIP-345; left out for dynamic members), {@code client_id};
 * plus Sluice's {@code host} (the client's address as the coordinator saw it) and {@code assigned_partitions}, the
 * partitions the group leader assigned to it (Confluent links them as {@code assignments} instead).
 */
public record ConsumerData(String kind, V3.ResourceMetadata metadata, String clusterId, String consumerGroupId,
                           String consumerId, String instanceId, String clientId, String host,
                           List<AssignedPartition> assignedPartitions) {

    /** One assigned partition. */
    public record AssignedPartition(String topicName, int partitionId) {
    }

    static ConsumerData of(ClusterScope scope, String groupId, MemberDescription member) {
        ResourceUrls urls = scope.urls();
        List<AssignedPartition> assigned = member.assignment().topicPartitions().stream()
                .sorted(PartitionLag.PARTITION_ORDER)
                .map(tp -> new AssignedPartition(tp.topic(), tp.partition()))
                .toList();
        return new ConsumerData("KafkaConsumer", new V3.ResourceMetadata(urls.consumer(groupId, member.consumerId()),
                urls.consumerCrn(groupId, member.consumerId())), scope.clusterId(), groupId, member.consumerId(),
                member.groupInstanceId().orElse(null), member.clientId(), member.host(), assigned);
    }

    /** @return which member each assigned partition of the group belongs to */
    static Map<TopicPartition, MemberDescription> owners(ConsumerGroupDescription group) {
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        group.members().forEach(member -> member.assignment().topicPartitions().forEach(tp -> owners.put(tp, member)));
        return owners;
    }
}
