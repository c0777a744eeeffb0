package io.sluice.metadata.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

import java.util.Map;
import java.util.Optional;

/**
 * Reads the broker-level settings that act as defaults for topics: the synonyms of topic configs (e.g.
 * {@code log.retention.hours} → {@code retention.ms}, as Kafka's {@code ServerTopicConfigSynonyms}), and the
 * CreateTopics defaults {@code num.partitions} and {@code default.replication.factor}.
 */
public final class BrokerDefaults {

    /** Broker setting giving the partition count when CreateTopics asks for -1 (Kafka default 1). */
    public static final String NUM_PARTITIONS = "num.partitions";
    /** Broker setting giving the replication factor when CreateTopics asks for -1 (Kafka default 1). */
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";

    private BrokerDefaults() {
    }

    /**
     * A topic default supplied by a broker setting.
     *
     * @param brokerName  the broker setting that supplied it
     * @param brokerValue its raw value
     * @param topicValue  the value in the topic config's unit (hours and minutes converted to milliseconds; negative
     *                    converted durations become -1, as Kafka's broker does for retention)
     */
    public record SynonymValue(String brokerName, String brokerValue, String topicValue) {
    }

    /**
     * The broker default of one topic config: the first synonym present in {@code brokerDefaults}, converted.
     *
     * @throws InvalidConfigurationException if a synonym that needs a unit conversion is not a number
     */
    public static Optional<SynonymValue> topicDefault(TopicConfigDef def, Map<String, String> brokerDefaults) {
        for (BrokerSynonym synonym : def.brokerSynonyms()) {
            String raw = brokerDefaults.get(synonym.name());
            if (raw == null) {
                continue;
            }
            String value = raw.trim();
            if (synonym.converts()) {
                long amount = parseLong(synonym.name(), value);
                value = amount < 0 ? "-1" : Long.toString(multiplyCapped(amount, synonym.multiplier()));
            }
            return Optional.of(new SynonymValue(synonym.name(), raw, value));
        }
        return Optional.empty();
    }

    /**
     * The partition count for CreateTopics requests that ask for -1: {@code num.partitions}, default 1.
     *
     * @throws InvalidConfigurationException if set to something other than a positive integer
     */
    public static int defaultNumPartitions(Map<String, String> brokerDefaults) {
        long value = parsePositive(NUM_PARTITIONS, brokerDefaults.getOrDefault(NUM_PARTITIONS, "1"), Integer.MAX_VALUE);
        return (int) value;
    }

    /**
     * The replication factor for CreateTopics requests that ask for -1: {@code default.replication.factor}, default 1.
     *
     * @throws InvalidConfigurationException if set to something other than a positive 16-bit integer
     */
    public static short defaultReplicationFactor(Map<String, String> brokerDefaults) {
        long value = parsePositive(DEFAULT_REPLICATION_FACTOR,
            brokerDefaults.getOrDefault(DEFAULT_REPLICATION_FACTOR, "1"), Short.MAX_VALUE);
        return (short) value;
    }

    private static long parsePositive(String name, String raw, long max) {
        long value = parseLong(name, raw.trim());
        if (value < 1 || value > max) {
            throw new InvalidConfigurationException("Invalid value " + raw + " for configuration " + name
                + ": Value must be at least 1 and at most " + max);
        }
        return value;
    }

    private static long parseLong(String name, String value) {
        try {
            return (Long) ConfigDef.parseType(name, value, ConfigDef.Type.LONG);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
    }

    private static long multiplyCapped(long amount, long multiplier) {
        try {
            return Math.multiplyExact(amount, multiplier);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
