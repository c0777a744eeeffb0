package io.sluice.broker.http;

import io.sluice.metadata.BrokerRegistration;

/**
 * A live broker ({@code GET /v3/clusters/{cluster_id}/brokers/{broker_id}}), as Confluent's {@code BrokerData}
 * ({@code kind} "KafkaBroker", {@code broker_id}, {@code host}, {@code port} = the Kafka listener, {@code rack}),
 * plus Sluice's {@code http_port} (0 when the broker serves no HTTP API).
 */
public record BrokerData(String kind, V3.ResourceMetadata metadata, String clusterId, int brokerId, String host,
                         int port, int httpPort, String rack) {

    static BrokerData of(ClusterScope scope, BrokerRegistration broker) {
        ResourceUrls urls = scope.urls();
        return new BrokerData("KafkaBroker", new V3.ResourceMetadata(urls.broker(broker.brokerId()),
                urls.brokerCrn(broker.brokerId())), scope.clusterId(), broker.brokerId(), broker.host(),
                broker.kafkaPort(), broker.httpPort(), broker.rack().orElse(null));
    }
}
