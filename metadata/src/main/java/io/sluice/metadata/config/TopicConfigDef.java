package io.sluice.metadata.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

import java.util.List;
import java.util.Objects;

/**
 * The definition of one supported topic config.
 *
 * @param name           Kafka's name (see {@link org.apache.kafka.common.config.TopicConfig})
 * @param type           the value type, parsed by Kafka's {@link ConfigDef#parseType}
 * @param defaultValue   the built-in default, typed (Integer, Long, Boolean, Double, String or List of String)
 * @param validator      Kafka validator of the parsed value, or null for none
 * @param brokerSynonyms broker settings that override the built-in default, highest priority first
 * @param documentation  a one-line description
 */
public record TopicConfigDef(String name, ConfigDef.Type type, Object defaultValue, ConfigDef.Validator validator,
                             List<BrokerSynonym> brokerSynonyms, String documentation) {

    public TopicConfigDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        brokerSynonyms = List.copyOf(brokerSynonyms);
        Objects.requireNonNull(documentation, "documentation");
    }

    /** The built-in default as Kafka prints it (lists comma-separated). */
    public String defaultValueString() {
        return ConfigDef.convertToString(defaultValue, type);
    }

    /** The type as DescribeConfigs reports it (KIP-569). */
    public DescribeConfigsResponse.ConfigType describeType() {
        return switch (type) {
            case BOOLEAN -> DescribeConfigsResponse.ConfigType.BOOLEAN;
            case STRING -> DescribeConfigsResponse.ConfigType.STRING;
            case INT -> DescribeConfigsResponse.ConfigType.INT;
            case SHORT -> DescribeConfigsResponse.ConfigType.SHORT;
            case LONG -> DescribeConfigsResponse.ConfigType.LONG;
            case DOUBLE -> DescribeConfigsResponse.ConfigType.DOUBLE;
            case LIST -> DescribeConfigsResponse.ConfigType.LIST;
            case CLASS -> DescribeConfigsResponse.ConfigType.CLASS;
            case PASSWORD -> DescribeConfigsResponse.ConfigType.PASSWORD;
        };
    }
}
