package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.ConfigEntryView;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A topic's configs (Confluent v3 resource names), read from its overrides on top of the broker's defaults
 * ({@link io.sluice.broker.config.TopicConfigs}):
 * <ul>
 *   <li>{@code GET .../topics/{topic_name}/configs}: a {@code KafkaTopicConfigList} of every supported config;</li>
 *   <li>{@code GET .../configs/{name}}: one {@link TopicConfigData}; 404 (40405) for an unsupported name;</li>
 *   <li>{@code PUT .../configs/{name}} with {@code {"value": "..."}}: sets the override (204); 400
 *       INVALID_CONFIG for an unknown name or bad value;</li>
 *   <li>{@code DELETE .../configs/{name}}: removes the override, back to the default (204).</li>
 * </ul>
 */
final class TopicConfigRoutes {
    static final String CONFIGS = TopicRoutes.TOPIC + "/configs";
    static final String CONFIG = CONFIGS + "/{name}";
    private static final Set<String> PUT_FIELDS = Set.of("value");

    private final HttpApiServer.Services services;
    private final RequestBody requestBody;
    private final AsyncResponder responder;

    TopicConfigRoutes(HttpApiServer.Services services, RequestBody requestBody, AsyncResponder responder) {
        this.services = services;
        this.requestBody = requestBody;
        this.responder = responder;
    }

    void register(Javalin app) {
        app.get(CONFIGS, this::listConfigs);
        app.get(CONFIG, this::getConfig);
        app.put(CONFIG, this::setConfig);
        app.delete(CONFIG, this::resetConfig);
    }

    private void listConfigs(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        List<TopicConfigData> configs = services.topicConfigs().resolve(topic).describeAll().stream()
                .map(entry -> TopicConfigData.of(scope, topic.name(), entry))
                .toList();
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaTopicConfigList", scope.urls().configs(topic.name()),
                configs));
    }

    private void getConfig(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        String name = ctx.pathParam("name");
        ConfigEntryView entry = services.topicConfigs().resolve(topic).describeAll().stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new HttpApiException(404, HttpApiException.CONFIG_NOT_FOUND, null,
                        "topic config '" + name + "' is not supported"));
        Responses.json(ctx, 200, TopicConfigData.of(scope, topic.name(), entry));
    }

    private void setConfig(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        TopicMetadata topic = scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM));
        JsonNode body = Json.parse(requestBody.read(ctx));
        JsonFields.requireObject(body, "", PUT_FIELDS);
        String value = JsonFields.requiredString(body, "", "value");
        alter(ctx, topic, Optional.of(value));
    }

    private void resetConfig(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        alter(ctx, scope.topic(ctx.pathParam(TopicRoutes.TOPIC_PARAM)), Optional.empty());
    }

    private void alter(Context ctx, TopicMetadata topic, Optional<String> value) {
        responder.respond(ctx, services.topicAdmin().alterConfigs(topic.name(), Map.of(ctx.pathParam("name"), value)),
                (c, updated) -> Responses.empty(c, 204));
    }
}
