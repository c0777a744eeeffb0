package io.sluice.broker.http;

import io.sluice.broker.partition.Partition;
import io.sluice.metadata.PartitionState;

import java.util.List;
import java.util.Optional;

/**
 * A partition, as Confluent's {@code PartitionData} ({@code kind} "KafkaPartition", {@code partition_id}, links to
 * its leader replica and its replicas), plus Sluice's inline state:
 * <ul>
 *   <li>{@code leader_id} (-1 without a leader), {@code leader_epoch}, {@code replica_ids} (preferred leader first),
 *       {@code isr_ids}: the partition state in the metadata store;</li>
 *   <li>{@code log_start_offset} (the earliest readable offset, inclusive), {@code high_watermark} (the latest offset a
 *       consumer can read, exclusive: offsets below it are committed), {@code log_end_offset} (the next offset to be
 *       assigned): present only when this broker hosts the partition's log; ask the leader's broker otherwise.</li>
 * </ul>
 */
public record PartitionData(String kind, V3.ResourceMetadata metadata, String clusterId, String topicName,
                            int partitionId, V3.Related leader, V3.Related replicas, int leaderId, int leaderEpoch,
                            List<Integer> replicaIds, List<Integer> isrIds, Long logStartOffset, Long highWatermark,
                            Long logEndOffset) {

    /** @param local this broker's replica of the partition, if it hosts one */
    static PartitionData of(ClusterScope scope, String topic, int partitionId, PartitionState state,
                            Optional<Partition> local) {
        ResourceUrls urls = scope.urls();
        return new PartitionData("KafkaPartition", new V3.ResourceMetadata(urls.partition(topic, partitionId),
                urls.partitionCrn(topic, partitionId)), scope.clusterId(), topic, partitionId,
                state.hasLeader() ? new V3.Related(urls.replica(topic, partitionId, state.leader())) : null,
                new V3.Related(urls.replicas(topic, partitionId)), state.leader(), state.leaderEpoch(),
                state.replicas(), state.isr(),
                local.map(Partition::logStartOffset).orElse(null),
                local.map(Partition::highWatermark).orElse(null),
                local.map(Partition::logEndOffset).orElse(null));
    }
}
