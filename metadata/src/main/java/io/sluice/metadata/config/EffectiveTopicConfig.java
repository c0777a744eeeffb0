package io.sluice.metadata.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic's effective configuration: every supported config resolved from the topic override, else the broker
 * default, else the built-in default (as Kafka's {@code LogConfig.fromProps(defaults, overrides)}). Immutable; build it
 * with {@link TopicConfigDefs#resolve}.
 */
public final class EffectiveTopicConfig {

    private final Map<String, String> overrides;
    private final Map<String, String> brokerDefaults;
    private final Map<String, Object> values;

    private EffectiveTopicConfig(Map<String, String> overrides, Map<String, String> brokerDefaults,
                                 Map<String, Object> values) {
        this.overrides = overrides;
        this.brokerDefaults = brokerDefaults;
        this.values = values;
    }

    static EffectiveTopicConfig resolve(Map<String, String> overrides, Map<String, String> brokerDefaults) {
        Map<String, String> known = new TreeMap<>();
        overrides.forEach((k, v) -> {
            if (TopicConfigDefs.find(k).isPresent() && v != null) {
                known.put(k, v);
            }
        });
        Map<String, Object> parsed = TopicConfigDefs.parse(known, brokerDefaults);
        return new EffectiveTopicConfig(Collections.unmodifiableMap(known),
            Collections.unmodifiableMap(new TreeMap<>(brokerDefaults)), Collections.unmodifiableMap(parsed));
    }

    /** The topic's own overrides (unknown names dropped). */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** Every supported config name to its typed value (Integer, Long, Boolean, Double, String, List of String). */
    public Map<String, Object> values() {
        return values;
    }

    /** The typed value of one config. */
    public Object get(String name) {
        TopicConfigDefs.get(name);
        return values.get(name);
    }

    /** The effective value as a string, as DescribeConfigs shows it. */
    public String valueString(String name) {
        return ConfigDef.convertToString(get(name), TopicConfigDefs.get(name).type());
    }

    /** Where the effective value of {@code name} comes from. */
    public ConfigSource source(String name) {
        TopicConfigDef def = TopicConfigDefs.get(name);
        if (overrides.containsKey(name)) {
            return ConfigSource.TOPIC_CONFIG;
        }
        return BrokerDefaults.topicDefault(def, brokerDefaults).isPresent()
            ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    }

    /** One config as DescribeConfigs reports it. */
    public ConfigEntryView describe(String name) {
        TopicConfigDef def = TopicConfigDefs.get(name);
        List<ConfigEntryView.Synonym> synonyms = new ArrayList<>();
        if (overrides.containsKey(name)) {
            synonyms.add(new ConfigEntryView.Synonym(name, overrides.get(name), ConfigSource.TOPIC_CONFIG));
        }
        for (BrokerSynonym synonym : def.brokerSynonyms()) {
            String raw = brokerDefaults.get(synonym.name());
            if (raw != null) {
                synonyms.add(new ConfigEntryView.Synonym(synonym.name(), raw, ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        synonyms.add(new ConfigEntryView.Synonym(name, def.defaultValueString(), ConfigSource.DEFAULT_CONFIG));
        return new ConfigEntryView(name, valueString(name), source(name), def.describeType(), def.documentation(),
            synonyms);
    }

    /** All supported configs as DescribeConfigs reports them, by name. */
    public List<ConfigEntryView> describeAll() {
        List<ConfigEntryView> out = new ArrayList<>();
        for (String name : TopicConfigDefs.names()) {
            out.add(describe(name));
        }
        return out;
    }

    /** {@code segment.bytes}: the size at which the active segment is rolled, in bytes. */
    public int segmentBytes() {
        return (Integer) values.get(TopicConfig.SEGMENT_BYTES_CONFIG);
    }

    /** {@code segment.ms}: the age at which the active segment is rolled, in milliseconds. */
    public long segmentMs() {
        return (Long) values.get(TopicConfig.SEGMENT_MS_CONFIG);
    }

    /** {@code segment.jitter.ms}: maximum random jitter subtracted from {@code segment.ms}. */
    public long segmentJitterMs() {
        return (Long) values.get(TopicConfig.SEGMENT_JITTER_MS_CONFIG);
    }

    /** {@code segment.index.bytes}: maximum size of the offset and time indexes, in bytes. */
    public int segmentIndexBytes() {
        return (Integer) values.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
    }

    /** {@code index.interval.bytes}: bytes appended between two index entries. */
    public int indexIntervalBytes() {
        return (Integer) values.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
    }

    /** {@code retention.ms}: how long to keep data, milliseconds; -1 = forever. */
    public long retentionMs() {
        return (Long) values.get(TopicConfig.RETENTION_MS_CONFIG);
    }

    /** {@code retention.bytes}: maximum size per partition, bytes; -1 = unbounded. */
    public long retentionBytes() {
        return (Long) values.get(TopicConfig.RETENTION_BYTES_CONFIG);
    }

    /**
     * {@code local.retention.ms}, milliseconds, resolved: -2 means "same as {@code retention.ms}" (Kafka), and a value
     * above a bounded {@code retention.ms} is capped at it (only defaults can be above: values set on the topic are
     * validated). How long data stays on the broker's disk when remote storage is on; -1 = unbounded.
     */
    public long localRetentionMs() {
        return resolveLocal((Long) values.get(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG), retentionMs());
    }

    /** {@code local.retention.bytes}, bytes per partition, resolved as {@link #localRetentionMs()}. */
    public long localRetentionBytes() {
        return resolveLocal((Long) values.get(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG), retentionBytes());
    }

    private static long resolveLocal(long local, long total) {
        if (local == TopicConfigDefs.LOCAL_RETENTION_FROM_RETENTION) {
            return total;
        }
        if (total < 0) {
            return local;
        }
        return local < 0 ? total : Math.min(local, total);
    }

    /** {@code max.message.bytes}: largest record batch accepted, bytes. */
    public int maxMessageBytes() {
        return (Integer) values.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    }

    /** {@code flush.messages}: messages between forced fsyncs. */
    public long flushMessages() {
        return (Long) values.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
    }

    /** {@code flush.ms}: milliseconds between forced fsyncs. */
    public long flushMs() {
        return (Long) values.get(TopicConfig.FLUSH_MS_CONFIG);
    }

    /** {@code file.delete.delay.ms}: delay before a deleted segment's files are removed. */
    public long fileDeleteDelayMs() {
        return (Long) values.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
    }

    /** {@code cleanup.policy} as a list ({@code delete}, {@code compact}). */
    @SuppressWarnings("unchecked")
    public List<String> cleanupPolicy() {
        return List.copyOf((List<String>) values.get(TopicConfig.CLEANUP_POLICY_CONFIG));
    }

    /** Whether {@code cleanup.policy} contains {@code delete}. */
    public boolean deleteEnabled() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }

    /** Whether {@code cleanup.policy} contains {@code compact}. */
    public boolean compactEnabled() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** {@code compression.type}: {@code producer}, {@code uncompressed}, {@code gzip}, ... */
    public String compressionType() {
        return (String) values.get(TopicConfig.COMPRESSION_TYPE_CONFIG);
    }

    /** {@code message.timestamp.type}. */
    public TimestampType messageTimestampType() {
        return TimestampType.forName((String) values.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
    }

    /** {@code message.timestamp.before.max.ms} (KIP-937). */
    public long messageTimestampBeforeMaxMs() {
        return (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
    }

    /** {@code message.timestamp.after.max.ms} (KIP-937). */
    public long messageTimestampAfterMaxMs() {
        return (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
    }

    /** {@code min.insync.replicas}. */
    public int minInSyncReplicas() {
        return (Integer) values.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    }

    /** {@code unclean.leader.election.enable}. */
    public boolean uncleanLeaderElectionEnable() {
        return (Boolean) values.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
    }

    /** {@code remote.storage.enable} (Sluice default true). */
    public boolean remoteStorageEnable() {
        return (Boolean) values.get(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG);
    }

    /** {@code remote.log.copy.disable}. */
    public boolean remoteLogCopyDisable() {
        return (Boolean) values.get(TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG);
    }

    /** {@code preallocate}. */
    public boolean preallocate() {
        return (Boolean) values.get(TopicConfig.PREALLOCATE_CONFIG);
    }

    @Override
    public String toString() {
        return "EffectiveTopicConfig(overrides=" + overrides + ")";
    }
}
