package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.sluice.metadata.BrokerRegistration;

import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * The cluster and its brokers:
 * <ul>
 *   <li>{@code GET /v3/clusters}: a {@code KafkaClusterList} with this one cluster;</li>
 *   <li>{@code GET /v3/clusters/{cluster_id}}: {@link ClusterData};</li>
 *   <li>{@code GET /v3/clusters/{cluster_id}/brokers}: a {@code KafkaBrokerList} of the live brokers, by id;</li>
 *   <li>{@code GET /v3/clusters/{cluster_id}/brokers/{broker_id}}: {@link BrokerData}, 404 (40404) if that broker
 *       is not live.</li>
 * </ul>
 */
final class ClusterRoutes {
    static final String CLUSTERS = "/v3/clusters";
    static final String CLUSTER = CLUSTERS + "/{cluster_id}";
    static final String BROKERS = CLUSTER + "/brokers";
    static final String BROKER = BROKERS + "/{broker_id}";

    private final HttpApiServer.Services services;

    ClusterRoutes(HttpApiServer.Services services) {
        this.services = services;
    }

    void register(Javalin app) {
        app.get(CLUSTERS, this::listClusters);
        app.get(CLUSTER, this::getCluster);
        app.get(BROKERS, this::listBrokers);
        app.get(BROKER, this::getBroker);
    }

    private void listClusters(Context ctx) {
        ClusterScope scope = ClusterScope.current(ctx, services.metadata());
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaClusterList", scope.urls().clusters(),
                List.of(cluster(scope))));
    }

    private void getCluster(Context ctx) {
        Responses.json(ctx, 200, cluster(ClusterScope.resolve(ctx, services.metadata())));
    }

    private ClusterData cluster(ClusterScope scope) {
        return ClusterData.of(scope, services.topicAdmin().controllerId(scope.image()));
    }

    private void listBrokers(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        List<BrokerData> brokers = scope.image().liveBrokers().stream().map(b -> BrokerData.of(scope, b)).toList();
        Responses.json(ctx, 200, V3.ResourceList.of("KafkaBrokerList", scope.urls().brokers(), brokers));
    }

    private void getBroker(Context ctx) {
        ClusterScope scope = ClusterScope.resolve(ctx, services.metadata());
        int brokerId = Params.pathInt(ctx, "broker_id", 0, Integer.MAX_VALUE);
        BrokerRegistration broker = scope.image().broker(brokerId).orElseThrow(() -> new HttpApiException(404,
                HttpApiException.BROKER_NOT_FOUND, Errors.BROKER_NOT_AVAILABLE, "broker " + brokerId + " is not live"));
        Responses.json(ctx, 200, BrokerData.of(scope, broker));
    }
}
