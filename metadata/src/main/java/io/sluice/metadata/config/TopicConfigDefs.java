package io.sluice.metadata.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.internal.CompressionType;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

/**
 * The topic configs Sluice supports: Kafka's names, types, defaults and validation (after Kafka's {@code LogConfig}
 * and {@code ServerTopicConfigSynonyms}), and the validation the broker runs for CreateTopics, AlterConfigs and
 * IncrementalAlterConfigs.
 *
 * <p>Deviations from Kafka 4.3, on purpose:
 * <ul>
 *   <li>{@code segment.bytes} accepts values from 1024 (Kafka: 1 MiB, with an internal override for tests), so tests
 *       can roll segments quickly;</li>
 *   <li>{@code remote.storage.enable} defaults to {@code true}: Sluice tiers sealed segments by default;</li>
 *   <li>{@code local.retention.ms} defaults to one hour ({@link #DEFAULT_LOCAL_RETENTION_MS}; Kafka: -2). A default
 *       (built-in or a broker's {@code log.local.retention.ms}) above {@code retention.ms} is not an error: the
 *       effective local retention is then {@code retention.ms} ({@link EffectiveTopicConfig#localRetentionMs()}).
 *       Kafka's rule "{@code local.retention.*} not above {@code retention.*}" applies to values set on the topic;</li>
 *   <li>Kafka's rule "remote storage requires {@code cleanup.policy=delete}" is not enforced, because with remote
 *       storage on by default it would reject the compacted topics Kafka Connect and Kafka Streams create; the tiering
 *       layer must skip compacted topics itself.</li>
 * </ul>
 *
 * <p>Errors: an unknown name or a bad value raises {@link InvalidConfigurationException} (INVALID_CONFIG) with
 * Kafka's messages, e.g. {@code "Unknown topic config name: foo"} or
 * {@code "Invalid value abc for configuration retention.ms: Not a number of type LONG"}.
 */
public final class TopicConfigDefs {

    /** Smallest {@code segment.bytes} Sluice accepts (Kafka 4.x: 1 MiB). */
    public static final int MIN_SEGMENT_BYTES = 1024;
    /** {@code local.retention.*} value meaning "the same as {@code retention.*}" (Kafka's -2). */
    public static final long LOCAL_RETENTION_FROM_RETENTION = -2L;
    /**
     * Sluice's default {@code local.retention.ms}: one hour (Kafka: -2, i.e. {@code retention.ms}), so a broker's disk
     * holds only the recent tail once segments are in remote storage.
     */
    public static final long DEFAULT_LOCAL_RETENTION_MS = 60L * 60 * 1000;

    private static final long HOURS = 60L * 60 * 1000;
    private static final long MINUTES = 60L * 1000;
    private static final long ONE_WEEK_MS = 7 * 24 * HOURS;

    private static final Map<String, TopicConfigDef> DEFS;
    private static final ConfigDef CONFIG_DEF = new ConfigDef();

    static {
        Map<String, TopicConfigDef> defs = new LinkedHashMap<>();
        add(defs, TopicConfig.CLEANUP_POLICY_CONFIG, LIST, List.of(TopicConfig.CLEANUP_POLICY_DELETE),
            ConfigDef.ValidList.in(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE),
            TopicConfig.CLEANUP_POLICY_DOC, BrokerSynonym.same("log.cleanup.policy"));
        add(defs, TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, "producer",
            ConfigDef.ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
            TopicConfig.COMPRESSION_TYPE_DOC, BrokerSynonym.same("compression.type"));
        add(defs, TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, INT, CompressionType.GZIP.defaultLevel(),
            CompressionType.GZIP.levelValidator(), TopicConfig.COMPRESSION_GZIP_LEVEL_DOC,
            BrokerSynonym.same("compression.gzip.level"));
        add(defs, TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, INT, CompressionType.LZ4.defaultLevel(),
            CompressionType.LZ4.levelValidator(), TopicConfig.COMPRESSION_LZ4_LEVEL_DOC,
            BrokerSynonym.same("compression.lz4.level"));
        add(defs, TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, INT, CompressionType.ZSTD.defaultLevel(),
            CompressionType.ZSTD.levelValidator(), TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC,
            BrokerSynonym.same("compression.zstd.level"));
        add(defs, TopicConfig.DELETE_RETENTION_MS_CONFIG, LONG, 24 * HOURS, atLeast(0),
            TopicConfig.DELETE_RETENTION_MS_DOC, BrokerSynonym.same("log.cleaner.delete.retention.ms"));
        add(defs, TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, atLeast(0),
            TopicConfig.FILE_DELETE_DELAY_MS_DOC, BrokerSynonym.same("log.segment.delete.delay.ms"));
        add(defs, TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, atLeast(1),
            TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC, BrokerSynonym.same("log.flush.interval.messages"));
        add(defs, TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), TopicConfig.FLUSH_MS_DOC,
            BrokerSynonym.same("log.flush.interval.ms"), BrokerSynonym.same("log.flush.scheduler.interval.ms"));
        add(defs, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, atLeast(0),
            TopicConfig.INDEX_INTERVAL_BYTES_DOC, BrokerSynonym.same("log.index.interval.bytes"));
        add(defs, TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, LONG, LOCAL_RETENTION_FROM_RETENTION, atLeast(-2),
            TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC, BrokerSynonym.same("log.local.retention.bytes"));
        add(defs, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, LONG, DEFAULT_LOCAL_RETENTION_MS, atLeast(-2),
            TopicConfig.LOCAL_LOG_RETENTION_MS_DOC, BrokerSynonym.same("log.local.retention.ms"));
        add(defs, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(1),
            TopicConfig.MAX_COMPACTION_LAG_MS_DOC, BrokerSynonym.same("log.cleaner.max.compaction.lag.ms"));
        add(defs, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1024 * 1024 + 12, atLeast(0),
            TopicConfig.MAX_MESSAGE_BYTES_DOC, BrokerSynonym.same("message.max.bytes"));
        add(defs, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, HOURS, atLeast(0),
            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC, BrokerSynonym.same("log.message.timestamp.after.max.ms"));
        add(defs, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0),
            TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC,
            BrokerSynonym.same("log.message.timestamp.before.max.ms"));
        add(defs, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, "CreateTime",
            ConfigDef.ValidString.in("CreateTime", "LogAppendTime"), TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC,
            BrokerSynonym.same("log.message.timestamp.type"));
        add(defs, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, DOUBLE, 0.5d, between(0, 1),
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC, BrokerSynonym.same("log.cleaner.min.cleanable.ratio"));
        add(defs, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, LONG, 0L, atLeast(0),
            TopicConfig.MIN_COMPACTION_LAG_MS_DOC, BrokerSynonym.same("log.cleaner.min.compaction.lag.ms"));
        add(defs, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, atLeast(1), TopicConfig.MIN_IN_SYNC_REPLICAS_DOC,
            BrokerSynonym.same("min.insync.replicas"));
        add(defs, TopicConfig.PREALLOCATE_CONFIG, BOOLEAN, false, null, TopicConfig.PREALLOCATE_DOC,
            BrokerSynonym.same("log.preallocate"));
        add(defs, TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG, BOOLEAN, false, null,
            TopicConfig.REMOTE_LOG_COPY_DISABLE_DOC);
        add(defs, TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, BOOLEAN, false, null,
            TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_DOC);
        add(defs, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, BOOLEAN, true, null,
            "Whether sealed segments of this topic are tiered to object storage (Sluice default: true).");
        add(defs, TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, null, TopicConfig.RETENTION_BYTES_DOC,
            BrokerSynonym.same("log.retention.bytes"));
        add(defs, TopicConfig.RETENTION_MS_CONFIG, LONG, ONE_WEEK_MS, atLeast(-1), TopicConfig.RETENTION_MS_DOC,
            BrokerSynonym.same("log.retention.ms"), new BrokerSynonym("log.retention.minutes", MINUTES),
            new BrokerSynonym("log.retention.hours", HOURS));
        add(defs, TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, atLeast(MIN_SEGMENT_BYTES),
            TopicConfig.SEGMENT_BYTES_DOC, BrokerSynonym.same("log.segment.bytes"));
        add(defs, TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10 * 1024 * 1024, atLeast(4),
            TopicConfig.SEGMENT_INDEX_BYTES_DOC, BrokerSynonym.same("log.index.size.max.bytes"));
        add(defs, TopicConfig.SEGMENT_JITTER_MS_CONFIG, LONG, 0L, atLeast(0), TopicConfig.SEGMENT_JITTER_MS_DOC,
            BrokerSynonym.same("log.roll.jitter.ms"), new BrokerSynonym("log.roll.jitter.hours", HOURS));
        add(defs, TopicConfig.SEGMENT_MS_CONFIG, LONG, ONE_WEEK_MS, atLeast(1), TopicConfig.SEGMENT_MS_DOC,
            BrokerSynonym.same("log.roll.ms"), new BrokerSynonym("log.roll.hours", HOURS));
        add(defs, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, null,
            TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC, BrokerSynonym.same("unclean.leader.election.enable"));
        DEFS = Collections.unmodifiableMap(new TreeMap<>(defs));
    }

    private TopicConfigDefs() {
    }

    private static void add(Map<String, TopicConfigDef> defs, String name, ConfigDef.Type type, Object defaultValue,
                            ConfigDef.Validator validator, String doc, BrokerSynonym... synonyms) {
        TopicConfigDef def = new TopicConfigDef(name, type, defaultValue, validator, List.of(synonyms), doc);
        defs.put(name, def);
        CONFIG_DEF.define(name, type, defaultValue, validator, ConfigDef.Importance.MEDIUM, doc);
    }

    /** All supported definitions, by name (alphabetical). */
    public static Map<String, TopicConfigDef> all() {
        return DEFS;
    }

    /** The definition of one config, empty if the name is unknown. */
    public static Optional<TopicConfigDef> find(String name) {
        return Optional.ofNullable(DEFS.get(name));
    }

    /**
     * The definition of one config.
     *
     * @throws InvalidConfigurationException {@code "Unknown topic config name: <name>"} (Kafka's message)
     */
    public static TopicConfigDef get(String name) {
        TopicConfigDef def = DEFS.get(name);
        if (def == null) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name);
        }
        return def;
    }

    /**
     * Checks topic overrides as Kafka does for CreateTopics: every name known, no null value, every value parses and
     * passes its validator, and the cross-config rules hold on the effective values (overrides over broker
     * defaults over built-in defaults): {@code min.compaction.lag.ms <= max.compaction.lag.ms}, and with remote
     * storage on, {@code local.retention.ms/bytes} set on the topic not -1 and not above {@code retention.ms/bytes}
     * when those are bounded.
     *
     * @throws InvalidConfigurationException on the first problem found
     */
    public static void validate(Map<String, String> overrides, Map<String, String> brokerDefaults) {
        validateChange(Map.of(), overrides, brokerDefaults);
    }

    /**
     * As {@link #validate}, for changing a topic's overrides from {@code existingOverrides} to {@code newOverrides}:
     * additionally, turning {@code remote.storage.enable} off requires {@code remote.log.delete.on.disable=true}
     * (Kafka 3.9+, KIP-950).
     */
    public static void validateChange(Map<String, String> existingOverrides, Map<String, String> newOverrides,
                                      Map<String, String> brokerDefaults) {
        for (Map.Entry<String, String> e : newOverrides.entrySet()) {
            get(e.getKey());
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + e.getKey());
            }
        }
        Map<String, Object> parsed = parse(newOverrides, brokerDefaults);
        checkCompactionLags(parsed);
        boolean remoteNow = (Boolean) parsed.get(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG);
        if (remoteNow) {
            if (newOverrides.containsKey(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG)) {
                checkLocalRetention(parsed, TopicConfig.RETENTION_MS_CONFIG, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG);
            }
            if (newOverrides.containsKey(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG)) {
                checkLocalRetention(parsed, TopicConfig.RETENTION_BYTES_CONFIG,
                    TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG);
            }
        } else if (!existingOverrides.isEmpty()) {
            boolean remoteBefore = (Boolean) parse(existingOverrides, brokerDefaults)
                .get(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG);
            boolean deleteOnDisable = (Boolean) parsed.get(TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG);
            if (remoteBefore && !deleteOnDisable) {
                throw new InvalidConfigurationException("It is invalid to disable remote storage without deleting "
                    + "remote data. If you want to keep the remote data and turn to read only, please set "
                    + "`remote.storage.enable=true,remote.log.copy.disable=true`. If you want to disable remote "
                    + "storage and delete all remote data, please set "
                    + "`remote.storage.enable=false,remote.log.delete.on.disable=true`.");
            }
        }
    }

    /**
     * Parses the effective values: overrides over broker defaults over built-in defaults.
     *
     * @return every supported config name to its typed value
     * @throws InvalidConfigurationException if a value does not parse or fails its validator
     */
    static Map<String, Object> parse(Map<String, String> overrides, Map<String, String> brokerDefaults) {
        Map<String, Object> raw = new HashMap<>();
        for (TopicConfigDef def : DEFS.values()) {
            BrokerDefaults.topicDefault(def, brokerDefaults).ifPresent(v -> raw.put(def.name(), v.topicValue()));
        }
        overrides.forEach((k, v) -> {
            if (DEFS.containsKey(k)) {
                raw.put(k, v);
            }
        });
        try {
            return CONFIG_DEF.parse(raw);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
    }

    /**
     * Resolves a topic's effective config: each supported config from the topic override, else the broker default
     * (through its synonyms, converted to the topic unit), else the built-in default.
     *
     * @throws InvalidConfigurationException if a stored override or a broker default does not parse
     */
    public static EffectiveTopicConfig resolve(Map<String, String> overrides, Map<String, String> brokerDefaults) {
        return EffectiveTopicConfig.resolve(overrides, brokerDefaults);
    }

    /**
     * Computes the set-or-delete map for {@code MetadataStore.alterTopicConfigs} from IncrementalAlterConfigs
     * operations (SET, DELETE, APPEND, SUBTRACT), given the topic's current overrides. Values are not validated here;
     * the store validates the resulting overrides.
     *
     * @throws InvalidConfigurationException for an unknown name, a null SET value, or APPEND/SUBTRACT on a config
     *         whose type is not LIST ({@code "Can't APPEND to key retention.ms because its type is not LIST."})
     * @throws org.apache.kafka.common.errors.InvalidRequestException if a config name appears twice
     */
    public static Map<String, Optional<String>> incrementalChanges(Map<String, String> currentOverrides,
                                                                   List<ConfigAlteration> alterations) {
        return IncrementalAlter.changes(currentOverrides, alterations);
    }

    /**
     * Applies a set-or-delete map to overrides: present values are set, empty ones removed.
     *
     * @return the new overrides (a new map)
     */
    public static Map<String, String> applyChanges(Map<String, String> overrides,
                                                   Map<String, Optional<String>> setOrDelete) {
        Map<String, String> out = new TreeMap<>(overrides);
        setOrDelete.forEach((name, value) -> {
            if (value.isPresent()) {
                out.put(name, value.get());
            } else {
                out.remove(name);
            }
        });
        return out;
    }

    /** The names of all supported configs. */
    public static Collection<String> names() {
        return DEFS.keySet();
    }

    private static void checkCompactionLags(Map<String, Object> parsed) {
        long min = (Long) parsed.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        long max = (Long) parsed.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        if (min > max) {
            throw new InvalidConfigurationException("conflict topic config setting "
                + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " (" + min + ") > "
                + TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG + " (" + max + ")");
        }
    }

    private static void checkLocalRetention(Map<String, Object> parsed, String retentionName, String localName) {
        long retention = (Long) parsed.get(retentionName);
        long local = (Long) parsed.get(localName);
        if (retention < 0 || local == LOCAL_RETENTION_FROM_RETENTION) {
            return;
        }
        if (local == -1) {
            throw new InvalidConfigurationException(new ConfigException(localName, local,
                String.format("Value must not be -1 as %s value is set as %d.", retentionName, retention))
                .getMessage());
        }
        if (local > retention) {
            throw new InvalidConfigurationException(new ConfigException(localName, local,
                String.format("Value must not be more than %s property value: %d", retentionName, retention))
                .getMessage());
        }
    }
}
