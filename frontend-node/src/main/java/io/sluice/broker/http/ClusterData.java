package io.sluice.broker.http;

/**
 * The cluster resource ({@code GET /v3/clusters/{cluster_id}}), as Confluent REST Proxy v3's {@code ClusterData}:
 * {@code kind} "KafkaCluster", {@code cluster_id}, and links to the controller, the brokers and the topics. The
 * controller is the broker Kafka clients are told to use as controller: the lowest live broker id (any broker serves
 * admin writes, which go to etcd); the link is absent when no broker is live.
 */
public record ClusterData(String kind, V3.ResourceMetadata metadata, String clusterId, V3.Related controller,
                          V3.Related brokers, V3.Related topics) {

    static ClusterData of(ClusterScope scope, int controllerId) {
        ResourceUrls urls = scope.urls();
        return new ClusterData("KafkaCluster", new V3.ResourceMetadata(urls.cluster(), urls.clusterCrn()),
                scope.clusterId(), controllerId < 0 ? null : new V3.Related(urls.broker(controllerId)),
                new V3.Related(urls.brokers()), new V3.Related(urls.topics()));
    }
}
