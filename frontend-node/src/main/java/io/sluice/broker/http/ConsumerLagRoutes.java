package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * Consumer lag (Confluent REST Proxy v3 resources), computed as Confluent and {@code kafka-consumer-groups} do: for
 * every partition the group has committed an offset for, the partition's high watermark minus the committed offset
 * ({@link io.sluice.broker.coordinator.lag.PartitionLag}); partitions of deleted topics are left out.
 * <ul>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/lags}: a {@code KafkaConsumerLagList} of
 *       {@link ConsumerLagData}, by topic and partition;</li>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}}: one;</li>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/lag-summary}: {@link ConsumerGroupLagSummaryData}.</li>
 * </ul>
 * Errors: 404 GROUP_ID_NOT_FOUND (40406) for an unknown group; 404 (40407) for a group without committed offsets
 * (Confluent answers 404 too), or a partition it has none for; 503 when a coordinator or partition leader cannot be
 * reached within the Admin's timeout.
 */
final class ConsumerLagRoutes {
    static final String LAGS = ConsumerGroupRoutes.GROUP + "/lags";
    static final String LAG = LAGS + "/{topic_name}/partitions/{partition_id}";
    static final String LAG_SUMMARY = ConsumerGroupRoutes.GROUP + "/lag-summary";

    private final HttpApiServer.Services services;
    private final ConsumerGroupQueries queries;
    private final AsyncResponder responder;

    ConsumerLagRoutes(HttpApiServer.Services services, ConsumerGroupQueries queries, AsyncResponder responder) {
        this.services = services;
        this.queries = queries;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(LAGS, this::listLags);
        app.get(LAG, this::getLag);
        app.get(LAG_SUMMARY, this::getSummary);
    }

    private void listLags(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        responder.respond(ctx, queries.lag(groupId), (c, lag) -> Responses.json(c, 200,
                V3.ResourceList.of("KafkaConsumerLagList", scope.urls().lags(groupId), lags(scope, lag))));
    }

    private void getLag(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        String topic = ctx.pathParam(TopicRoutes.TOPIC_PARAM);
        int partition = Params.pathInt(ctx, PartitionRoutes.PARTITION_PARAM, 0, Integer.MAX_VALUE);
        responder.respond(ctx, queries.lag(groupId), (c, lag) -> {
            ConsumerLagData found = lags(scope, lag).stream()
                    .filter(l -> l.topicName().equals(topic) && l.partitionId() == partition).findFirst()
                    .orElseThrow(() -> new HttpApiException(404, HttpApiException.NO_COMMITTED_OFFSET, null,
                            "consumer group '" + groupId + "' has no committed offset for " + topic + "-" + partition));
            Responses.json(c, 200, found);
        });
    }

    private void getSummary(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(ConsumerGroupRoutes.GROUP_PARAM);
        responder.respond(ctx, queries.lag(groupId), (c, lag) -> {
            List<ConsumerLagData> lags = lags(scope, lag);
            if (lags.isEmpty()) {
                throw new HttpApiException(404, HttpApiException.NO_COMMITTED_OFFSET, null, "consumer group '"
                        + groupId + "' has no committed offsets for partitions that exist");
            }
            Responses.json(c, 200, ConsumerGroupLagSummaryData.of(scope, groupId, lags));
        });
    }

    private static List<ConsumerLagData> lags(ClusterScope scope, ConsumerGroupQueries.GroupLag lag) {
        String groupId = lag.group().groupId();
        Map<TopicPartition, MemberDescription> owners = ConsumerData.owners(lag.group());
        return lag.partitions().stream()
                .map(p -> ConsumerLagData.of(scope, groupId, p, owners.get(p.partition())))
                .toList();
    }
}
