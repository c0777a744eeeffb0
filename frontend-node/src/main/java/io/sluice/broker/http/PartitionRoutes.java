package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.List;

/**
 * Partitions and their replicas (Confluent v3 resource names):
 * <ul>
 *   <li>{@code GET .../topics/{topic_name}/partitions}: a {@code KafkaPartitionList} by partition id;</li>
 *   <li>{@code GET .../topics/{topic_name}/partitions/{partition_id}}: {@link PartitionData} (leader, leader epoch,
 *       replicas, ISR, and the log start offset, high watermark and log end offset when this broker hosts it);</li>
 *   <li>{@code GET .../partitions/{partition_id}/replicas}: a {@code KafkaReplicaList} in assignment order;</li>
 *   <li>{@code GET .../partitions/{partition_id}/replicas/{broker_id}}: {@link ReplicaData}.</li>
 * </ul>
 * 404 for an unknown topic (40401), partition (40402) or a broker that is not a replica (40404).
 */
final class PartitionRoutes {
    static final String PARTITIONS = TopicRoutes.TOPIC + "/partitions";
    static final String PARTITION = PARTITIONS + "/{partition_id}";
    static final String REPLICAS = PARTITION + "/replicas";
    static final String REPLICA = REPLICAS + "/{broker_id}";
    static final String PARTITION_PARAM = "partition_id";

    private final HttpApiServer.Services services;

    PartitionRoutes(HttpApiServer.Services services) {
        this.services = services;
    }

    void register(Javalin app) {
        app.get(PARTITIONS, this::listPartitions);
        app.get(PARTITION, this::getPartition);
        app.get(REPLICAS, this::listReplicas);
        app.get(REPLICA, this::getReplica);
    }

    /** @return every partition of {@code topic} as {@link PartitionData}, by partition id */
    static List<PartitionData> partitions(ClusterScope scope, TopicMetadata topic, ReplicaManager replicaManager) {
        return topic.partitions().entrySet().stream()
                .map(e -> partition(scope, topic, e.getKey(), e.getValue(), replicaManager))
                .toList();
    }

    private static PartitionData partition(ClusterScope scope, TopicMetadata topic, int partitionId,
                                           PartitionState state, ReplicaManager replicaManager) {
        return PartitionData.of(scope, topic.name(), partitionId, state,
                replicaManager.partition(new TopicPartition(topic.name(), partitionId)));
    }

    private void listPartitions(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaPartitionList", scope.urls().partitions(topic.name()),
                partitions(scope, topic, services.replicaManager())));
    }

    private void getPartition(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        int partitionId = Params.pathInt(ctx, PARTITION_PARAM, 0, Integer.MAX_VALUE);
        PartitionState state = scope.partition(topic, partitionId);
        Responses.json(ctx, 200, partition(scope, topic, partitionId, state, services.replicaManager()));
    }

    private void listReplicas(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        int partitionId = Params.pathInt(ctx, PARTITION_PARAM, 0, Integer.MAX_VALUE);
        PartitionState state = scope.partition(topic, partitionId);
        List<ReplicaData> replicas = state.replicas().stream()
                .map(brokerId -> ReplicaData.of(scope, topic.name(), partitionId, state, brokerId))
                .toList();
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaReplicaList",
                scope.urls().replicas(topic.name(), partitionId), replicas));
    }

    private void getReplica(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        int partitionId = Params.pathInt(ctx, PARTITION_PARAM, 0, Integer.MAX_VALUE);
        PartitionState state = scope.partition(topic, partitionId);
        int brokerId = Params.pathInt(ctx, "broker_id", 0, Integer.MAX_VALUE);
        if (!state.isReplica(brokerId)) {
            throw new HttpApiException(404, HttpApiException.BROKER_NOT_FOUND, null, "broker " + brokerId
                    + " is not a replica of " + topic.name() + "-" + partitionId + " (replicas " + state.replicas() + ")");
        }
        Responses.json(ctx, 200, ReplicaData.of(scope, topic.name(), partitionId, state, brokerId));
    }
}
