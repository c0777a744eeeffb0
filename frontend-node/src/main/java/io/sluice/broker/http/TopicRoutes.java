package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.metadata.TopicMetadata;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Topic administration through {@link io.sluice.broker.admin.TopicAdmin} (writes go to etcd and complete once this
 * broker's metadata cache has seen them):
 * <ul>
 *   <li>{@code GET /v3/clusters/{cluster_id}/topics}: a {@code KafkaTopicList}, by name;</li>
 *   <li>{@code POST /v3/clusters/{cluster_id}/topics}: create (body: {@link CreateTopicRequestParser}); 201 with
 *       the new {@link TopicData}, or 200 with {@code validate_only}. Errors: 409 TOPIC_ALREADY_EXISTS; 400
 *       INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG,
 *       INVALID_REPLICA_ASSIGNMENT, INVALID_REQUEST; 503 REQUEST_TIMED_OUT (etcd unreachable);</li>
 *   <li>{@code GET /v3/clusters/{cluster_id}/topics/{topic_name}}: {@link TopicData} with every partition inline;</li>
 *   <li>{@code PATCH /v3/clusters/{cluster_id}/topics/{topic_name}} with {@code {"partitions_count": N}}: raises the
 *       partition count (never lowers it: 400 INVALID_PARTITIONS), as Kafka's CreatePartitions;</li>
 *   <li>{@code DELETE /v3/clusters/{cluster_id}/topics/{topic_name}}: 204; 404 if the topic does not exist.</li>
 * </ul>
 */
final class TopicRoutes {
    static final String TOPICS = ClusterRoutes.CLUSTER + "/topics";
    static final String TOPIC = TOPICS + "/{topic_name}";
    static final String TOPIC_PARAM = "topic_name";
    private static final Set<String> PATCH_FIELDS = Set.of("partitions_count");

    private final HttpApiServer.Services services;
    private final RequestBody requestBody;
    private final AsyncResponder responder;

    TopicRoutes(HttpApiServer.Services services, RequestBody requestBody, AsyncResponder responder) {
        this.services = services;
        this.requestBody = requestBody;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(TOPICS, this::listTopics);
        app.post(TOPICS, this::createTopic);
        app.get(TOPIC, this::getTopic);
        app.patch(TOPIC, this::updateTopic);
        app.delete(TOPIC, this::deleteTopic);
    }

    private void listTopics(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        List<TopicData> topics = scope.image().topicsByName().values().stream()
                .sorted(Comparator.comparing(TopicMetadata::name))
                .map(topic -> TopicData.of(scope, topic, null))
                .toList();
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaTopicList", scope.urls().topics(), topics));
    }

    private void createTopic(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        CreateTopicRequestParser.CreateTopic create = CreateTopicRequestParser.parse(Json.parse(requestBody.read(ctx)));
        responder.respond(ctx, services.topicAdmin().createTopic(create.request(), create.validateOnly()),
                (c, topic) -> Responses.json(c, create.validateOnly() ? 200 : 201, describe(scope, topic)));
    }

    private void getTopic(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        Responses.json(ctx, 200, describe(scope, scope.topic(ctx.pathParam(TOPIC_PARAM))));
    }

    private void updateTopic(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TOPIC_PARAM));
        JsonNode body = Json.parse(requestBody.read(ctx));
        JsonFields.requireObject(body, "", PATCH_FIELDS);
        int count = JsonFields.optionalInt(body, "", "partitions_count", 1, Integer.MAX_VALUE)
                .orElseThrow(() -> HttpApiException.malformed("partitions_count is required"));
        responder.respond(ctx, services.topicAdmin().createPartitions(topic.name(), count, List.of(), false),
                (c, updated) -> Responses.json(c, 200, describe(scope, updated)));
    }

    private void deleteTopic(Context ctx) {
        ClusterScope.resolve(ctx, services.metadata());
        responder.respond(ctx, services.topicAdmin().deleteTopic(ctx.pathParam(TOPIC_PARAM)),
                (c, ignored) -> Responses.empty(c, 204));
    }

    private TopicData describe(ClusterScope scope, TopicMetadata topic) {
        return TopicData.of(scope, topic, PartitionRoutes.partitions(scope, topic, services.replicaManager()));
    }
}
