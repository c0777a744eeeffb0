package io.sluice.broker.http;

import io.sluice.metadata.PartitionState;

/**
 * One replica of a partition, as Confluent's {@code ReplicaData}: {@code kind} "KafkaReplica", {@code broker_id},
 * {@code is_leader}, {@code is_in_sync} (member of the ISR), and a link to the broker.
 */
public record ReplicaData(String kind, V3.ResourceMetadata metadata, String clusterId, String topicName,
                          int partitionId, int brokerId, boolean isLeader, boolean isInSync, V3.Related broker) {

    static ReplicaData of(ClusterScope scope, String topic, int partitionId, PartitionState state, int brokerId) {
        ResourceUrls urls = scope.urls();
        return new ReplicaData("KafkaReplica", new V3.ResourceMetadata(urls.replica(topic, partitionId, brokerId),
                urls.replicaCrn(topic, partitionId, brokerId)), scope.clusterId(), topic, partitionId, brokerId,
                state.leader() == brokerId, state.isr().contains(brokerId), new V3.Related(urls.broker(brokerId)));
    }
}
