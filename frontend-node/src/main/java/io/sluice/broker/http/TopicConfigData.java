package io.sluice.broker.http;

import io.sluice.metadata.config.ConfigEntryView;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.List;

/**
 * One topic config, as Confluent's {@code TopicConfigData}: {@code kind} "KafkaTopicConfig", {@code name},
 * {@code value} (effective), {@code is_default} (not overridden by the topic), {@code is_read_only},
 * {@code is_sensitive}, {@code source} and {@code synonyms} (KIP-226, highest priority first). Sources use the names
 * of Kafka's Admin API ({@code ConfigEntry.ConfigSource}): a topic override is {@code DYNAMIC_TOPIC_CONFIG}, a broker
 * {@code log.*} default {@code STATIC_BROKER_CONFIG}, a built-in default {@code DEFAULT_CONFIG}.
 */
public record TopicConfigData(String kind, V3.ResourceMetadata metadata, String clusterId, String topicName,
                              String name, String value, boolean isDefault, boolean isReadOnly, boolean isSensitive,
                              String source, List<Synonym> synonyms) {

    /** One place a config value can come from. */
    public record Synonym(String name, String value, String source) {
    }

    static TopicConfigData of(ClusterScope scope, String topic, ConfigEntryView entry) {
        ResourceUrls urls = scope.urls();
        return new TopicConfigData("KafkaTopicConfig", new V3.ResourceMetadata(urls.config(topic, entry.name()),
                urls.configCrn(topic, entry.name())), scope.clusterId(), topic, entry.name(), entry.value(),
                entry.isDefault(), entry.readOnly(), entry.sensitive(), sourceName(entry.source()),
                entry.synonyms().stream().map(s -> new Synonym(s.name(), s.value(), sourceName(s.source()))).toList());
    }

    /** Maps the DescribeConfigs wire source to the Admin API's name, which Confluent's JSON uses. */
    static String sourceName(ConfigSource source) {
        return source == ConfigSource.TOPIC_CONFIG ? "DYNAMIC_TOPIC_CONFIG" : source.name();
    }
}
