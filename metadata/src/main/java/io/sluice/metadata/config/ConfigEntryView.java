package io.sluice.metadata.config;

import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.List;

/**
 * One topic config as DescribeConfigs reports it.
 *
 * @param name          the config name
 * @param value         the effective value as a string (lists comma-separated)
 * @param source        {@code TOPIC_CONFIG} (a topic override), {@code STATIC_BROKER_CONFIG} (a broker default from
 *                      the broker's settings) or {@code DEFAULT_CONFIG} (the built-in default)
 * @param type          the value type (KIP-569)
 * @param documentation one-line description
 * @param synonyms      where the value could come from, highest priority first (KIP-226): the topic override if
 *                      any, each broker synonym that is set, then the built-in default
 */
public record ConfigEntryView(String name, String value, ConfigSource source, ConfigType type, String documentation,
                              List<Synonym> synonyms) {

    public ConfigEntryView {
        synonyms = List.copyOf(synonyms);
    }

    /** True when the topic does not override this config (the v0 {@code is_default} flag). */
    public boolean isDefault() {
        return source != ConfigSource.TOPIC_CONFIG;
    }

    /** Topic configs are never read-only in Sluice. */
    public boolean readOnly() {
        return false;
    }

    /** No topic config is sensitive. */
    public boolean sensitive() {
        return false;
    }

    /**
     * One synonym of a config.
     *
     * @param name   the topic config name or the broker setting name
     * @param value  its value (for broker settings: the raw, unconverted value)
     * @param source where it is set
     */
    public record Synonym(String name, String value, ConfigSource source) {
    }
}
