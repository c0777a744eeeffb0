package io.sluice.broker.http;

import io.javalin.http.Context;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the absolute URLs ({@code metadata.self}, {@code related}) and Confluent resource names of v3 resources.
 * The base URL is the scheme and authority the client used ({@code Host} header), so links work through port
 * forwards; the cluster segment is always the real cluster id, even when the request used the alias {@code local}.
 * Topic names need no escaping: Kafka allows only {@code [a-zA-Z0-9._-]}. Consumer group and consumer ids may hold
 * any character and are percent-encoded as path segments.
 */
final class ResourceUrls {
    private final String clusterUrl;
    private final String clusterCrn;

    ResourceUrls(String baseUrl, String clusterId) {
        this.clusterUrl = baseUrl + "/v3/clusters/" + clusterId;
        this.clusterCrn = "crn:///kafka=" + clusterId;
    }

    static ResourceUrls of(Context ctx, String clusterId) {
        URI uri = URI.create(ctx.url());
        return new ResourceUrls(uri.getScheme() + "://" + uri.getRawAuthority(), clusterId);
    }

    /** @return {@code <base>/v3/clusters} */
    String clusters() {
        return clusterUrl.substring(0, clusterUrl.lastIndexOf('/'));
    }

    String cluster() {
        return clusterUrl;
    }

    String clusterCrn() {
        return clusterCrn;
    }

    String brokers() {
        return clusterUrl + "/brokers";
    }

    String broker(int brokerId) {
        return brokers() + "/" + brokerId;
    }

    String brokerCrn(int brokerId) {
        return clusterCrn + "/broker=" + brokerId;
    }

    String topics() {
        return clusterUrl + "/topics";
    }

    String topic(String topic) {
        return topics() + "/" + topic;
    }

    String topicCrn(String topic) {
        return clusterCrn + "/topic=" + topic;
    }

    String configs(String topic) {
        return topic(topic) + "/configs";
    }

    String config(String topic, String name) {
        return configs(topic) + "/" + name;
    }

    String configCrn(String topic, String name) {
        return topicCrn(topic) + "/config=" + name;
    }

    String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    String partitionCrn(String topic, int partition) {
        return topicCrn(topic) + "/partition=" + partition;
    }

    String replicas(String topic, int partition) {
        return partition(topic, partition) + "/replicas";
    }

    String replica(String topic, int partition, int brokerId) {
        return replicas(topic, partition) + "/" + brokerId;
    }

    String replicaCrn(String topic, int partition, int brokerId) {
        return partitionCrn(topic, partition) + "/replica=" + brokerId;
    }

    String records(String topic, int partition) {
        return partition(topic, partition) + "/records";
    }

    String consumerGroups() {
        return clusterUrl + "/consumer-groups";
    }

    String consumerGroup(String group) {
        return consumerGroups() + "/" + segment(group);
    }

    String consumerGroupCrn(String group) {
        return clusterCrn + "/consumer-group=" + group;
    }

    String consumers(String group) {
        return consumerGroup(group) + "/consumers";
    }

    String consumer(String group, String consumerId) {
        return consumers(group) + "/" + segment(consumerId);
    }

    String consumerCrn(String group, String consumerId) {
        return consumerGroupCrn(group) + "/consumer=" + consumerId;
    }

    String lags(String group) {
        return consumerGroup(group) + "/lags";
    }

    String lag(String group, String topic, int partition) {
        return lags(group) + "/" + topic + "/partitions/" + partition;
    }

    String lagCrn(String group, String topic, int partition) {
        return consumerGroupCrn(group) + "/lag=" + topic + "/partition=" + partition;
    }

    String lagSummary(String group) {
        return consumerGroup(group) + "/lag-summary";
    }

    String lagSummaryCrn(String group) {
        return consumerGroupCrn(group) + "/lag-summary";
    }

    /** @return {@code value} percent-encoded as one URL path segment (a space is {@code %20}) */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
