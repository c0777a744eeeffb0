package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.apache.kafka.clients.admin.MemberDescription;

import java.util.List;

/**
 * Consumer groups and their members (Confluent REST Proxy v3 resources), read through the Admin client so that any
 * broker answers for any group, whichever broker coordinates it:
 * <ul>
 *   <li>{@code GET /v3/clusters/{cluster_id}/consumer-groups}: a {@code KafkaConsumerGroupList} of every consumer
 *       group of the cluster (groups that only have committed offsets included), by id;</li>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}}: {@link ConsumerGroupData} with the members inline;</li>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/consumers}: a {@code KafkaConsumerList} of its members
 *       ({@link ConsumerData}), by consumer id;</li>
 *   <li>{@code GET .../consumer-groups/{consumer_group_id}/consumers/{consumer_id}}: one member.</li>
 * </ul>
 * Errors: 404 GROUP_ID_NOT_FOUND (40406) for a group the cluster does not know, 404 (40408) for a consumer id that
 * is not a member; 503 when the coordinator cannot be reached within the Admin's timeout.
 */
final class ConsumerGroupRoutes {
    static final String GROUPS = ClusterRoutes.CLUSTER + "/consumer-groups";
    static final String GROUP_PARAM = "consumer_group_id";
    static final String GROUP = GROUPS + "/{" + GROUP_PARAM + "}";
    static final String CONSUMERS = GROUP + "/consumers";
    static final String CONSUMER = CONSUMERS + "/{consumer_id}";

    private final HttpApiServer.Services services;
    private final ConsumerGroupQueries queries;
    private final AsyncResponder responder;

    ConsumerGroupRoutes(HttpApiServer.Services services, ConsumerGroupQueries queries, AsyncResponder responder) {
        this.services = services;
        this.queries = queries;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(GROUPS, this::listGroups);
        app.get(GROUP, this::getGroup);
        app.get(CONSUMERS, this::listConsumers);
        app.get(CONSUMER, this::getConsumer);
    }

    private void listGroups(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        responder.respond(ctx, queries.listGroups(), (c, groups) -> Responses.json(c, 200,
                V3.ResourceList.of("KafkaConsumerGroupList", scope.urls().consumerGroups(),
                        groups.stream().map(group -> ConsumerGroupData.of(scope, group, false)).toList())));
    }

    private void getGroup(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        responder.respond(ctx, queries.describe(ctx.pathParam(GROUP_PARAM)),
                (c, group) -> Responses.json(c, 200, ConsumerGroupData.of(scope, group, true)));
    }

    private void listConsumers(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(GROUP_PARAM);
        responder.respond(ctx, queries.describe(groupId), (c, group) -> {
            List<ConsumerData> consumers = ConsumerGroupData.consumers(scope, group);
            Responses.json(c, 200, V3.ResourceList.of("KafkaConsumerList", scope.urls().consumers(groupId), consumers));
        });
    }

    private void getConsumer(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        String groupId = ctx.pathParam(GROUP_PARAM);
        String consumerId = ctx.pathParam("consumer_id");
        responder.respond(ctx, queries.describe(groupId), (c, group) -> {
            MemberDescription member = group.members().stream()
                    .filter(m -> m.consumerId().equals(consumerId)).findFirst()
                    .orElseThrow(() -> new HttpApiException(404, HttpApiException.CONSUMER_NOT_FOUND, null,
                            "consumer group '" + groupId + "' has no member '" + consumerId + "'"));
            Responses.json(c, 200, ConsumerData.of(scope, groupId, member));
        });
    }
}
