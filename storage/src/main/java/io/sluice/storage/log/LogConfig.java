package io.sluice.storage.log;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

import java.util.Map;

/**
 * Per-partition log configuration, with Kafka's topic-config names and Kafka 4.x defaults.
 *
 * @param segmentBytes                {@code segment.bytes}: roll when the active segment would exceed this size;
 *                                    default 1 GiB; at least 14
 * @param segmentMs                   {@code segment.ms}: roll when the active segment's first batch is this old
 *                                    (measured with record timestamps, as Kafka); default 7 days; at least 1
 * @param retentionMs                 {@code retention.ms}: delete sealed segments whose largest timestamp is
 *                                    older; default 7 days; -1 = unlimited
 * @param retentionBytes              {@code retention.bytes}: delete the oldest sealed segments while the log is
 *                                    larger; default -1 = unlimited
 * @param maxMessageBytes             {@code max.message.bytes}: largest record batch accepted from a producer;
 *                                    default 1048588; at least 0
 * @param indexIntervalBytes          {@code index.interval.bytes}: bytes of batches between offset-index entries;
 *                                    default 4096; at least 0
 * @param segmentIndexBytes           {@code segment.index.bytes}: preallocated size of each index file; default
 *                                    10 MiB; at least 12 (one time-index entry)
 * @param messageTimestampType        {@code message.timestamp.type}: {@code CreateTime} (default) or
 *                                    {@code LogAppendTime}
 * @param messageTimestampBeforeMaxMs {@code message.timestamp.before.max.ms}: how far in the past a CreateTime
 *                                    timestamp may be; default {@link Long#MAX_VALUE}
 * @param messageTimestampAfterMaxMs  {@code message.timestamp.after.max.ms}: how far in the future; default
 *                                    3600000 (1 hour, Kafka 4.x)
 * @param flushMessages               {@code flush.messages}: fsync after this many unflushed records; default
 *                                    {@link Long#MAX_VALUE} (never: rely on replication and the page cache)
 * @param flushMs                     {@code flush.ms}: fsync when the last flush is this old (checked every
 *                                    {@code log.flush.scheduler.interval.ms}); default {@link Long#MAX_VALUE}
 * @param fileDeleteDelayMs           {@code file.delete.delay.ms}: how long a deleted segment's files stay (as
 *                                    {@code .deleted}) so in-flight reads finish; default 60000
 * @param producerIdExpirationMs      {@code producer.id.expiration.ms} (a broker config in Kafka): forget an
 *                                    idle producer id after this long; default 86400000 (1 day)
 * @param remoteStorageEnable         {@code remote.storage.enable} (KIP-405): sealed segments of this log are tiered
 *                                    to remote storage by the broker, so local retention follows
 *                                    {@code local.retention.*}, deletes only segments already in remote storage and
 *                                    moves only the local log start offset; default false (Kafka's default). The
 *                                    broker should pass true only when its own tiering is on (Kafka's
 *                                    {@code remote.log.storage.system.enable} and the topic's setting), because with
 *                                    it on nothing is deleted locally until the broker reports uploads through
 *                                    {@link PartitionLog#updateHighestOffsetInRemoteStorage}
 * @param localRetentionMs            {@code local.retention.ms}: how long a tiered segment stays on local disk, by
 *                                    its largest timestamp; -2 (default) = {@code retention.ms}, -1 = unlimited;
 *                                    only used when {@code remoteStorageEnable}; at least -2. See
 *                                    {@link #effectiveLocalRetentionMs()}
 * @param localRetentionBytes         {@code local.retention.bytes}: how large the local log may grow before the
 *                                    oldest tiered segments are deleted locally; -2 (default) =
 *                                    {@code retention.bytes}, -1 = unlimited; only used when
 *                                    {@code remoteStorageEnable}; at least -2. See
 *                                    {@link #effectiveLocalRetentionBytes()}
 */
public record LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                        int maxMessageBytes, int indexIntervalBytes, int segmentIndexBytes,
                        TimestampType messageTimestampType,
                        long messageTimestampBeforeMaxMs, long messageTimestampAfterMaxMs,
                        long flushMessages, long flushMs, long fileDeleteDelayMs, long producerIdExpirationMs,
                        boolean remoteStorageEnable, long localRetentionMs, long localRetentionBytes) {

    public static final String PRODUCER_ID_EXPIRATION_MS_CONFIG = "producer.id.expiration.ms";
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_BYTES = -1L;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    public static final long DEFAULT_TIMESTAMP_BEFORE_MAX_MS = Long.MAX_VALUE;
    public static final long DEFAULT_TIMESTAMP_AFTER_MAX_MS = 3600000L;
    public static final long DEFAULT_FLUSH_MESSAGES = Long.MAX_VALUE;
    public static final long DEFAULT_FLUSH_MS = Long.MAX_VALUE;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60000L;
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000L;
    public static final boolean DEFAULT_REMOTE_STORAGE_ENABLE = false;
    /** {@code local.retention.*} value meaning "the same as {@code retention.*}" (Kafka's -2, the default). */
    public static final long LOCAL_RETENTION_FROM_RETENTION = -2L;

    /**
     * Checks ranges as Kafka's topic config definitions do.
     *
     * @throws InvalidConfigurationException (INVALID_CONFIG) if a value is out of range
     */
    public LogConfig {
        atLeast(TopicConfig.SEGMENT_BYTES_CONFIG, segmentBytes, 14);
        atLeast(TopicConfig.SEGMENT_MS_CONFIG, segmentMs, 1);
        atLeast(TopicConfig.RETENTION_MS_CONFIG, retentionMs, -1);
        atLeast(TopicConfig.RETENTION_BYTES_CONFIG, retentionBytes, -1);
        atLeast(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes, 0);
        atLeast(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, indexIntervalBytes, 0);
        atLeast(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, segmentIndexBytes, 12);
        if (messageTimestampType != TimestampType.CREATE_TIME && messageTimestampType != TimestampType.LOG_APPEND_TIME) {
            throw new InvalidConfigurationException("Invalid value " + messageTimestampType + " for configuration "
                + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + ": must be CreateTime or LogAppendTime");
        }
        atLeast(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, messageTimestampBeforeMaxMs, 0);
        atLeast(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, messageTimestampAfterMaxMs, 0);
        atLeast(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, flushMessages, 1);
        atLeast(TopicConfig.FLUSH_MS_CONFIG, flushMs, 0);
        atLeast(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, fileDeleteDelayMs, 0);
        atLeast(PRODUCER_ID_EXPIRATION_MS_CONFIG, producerIdExpirationMs, 1);
        atLeast(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, localRetentionMs, LOCAL_RETENTION_FROM_RETENTION);
        atLeast(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, localRetentionBytes, LOCAL_RETENTION_FROM_RETENTION);
    }

    /**
     * The configuration without tiered storage: {@code remote.storage.enable=false}, {@code local.retention.ms} and
     * {@code local.retention.bytes} -2 (the parameter list before tiered storage existed).
     *
     * @throws InvalidConfigurationException (INVALID_CONFIG) if a value is out of range
     */
    public LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                     int maxMessageBytes, int indexIntervalBytes, int segmentIndexBytes,
                     TimestampType messageTimestampType,
                     long messageTimestampBeforeMaxMs, long messageTimestampAfterMaxMs,
                     long flushMessages, long flushMs, long fileDeleteDelayMs, long producerIdExpirationMs) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, DEFAULT_REMOTE_STORAGE_ENABLE,
            LOCAL_RETENTION_FROM_RETENTION, LOCAL_RETENTION_FROM_RETENTION);
    }

    /**
     * {@code local.retention.ms} with -2 resolved to {@code retention.ms} (Kafka's {@code LogConfig.localRetentionMs}):
     * milliseconds a segment already in remote storage stays on local disk, -1 = unlimited.
     */
    public long effectiveLocalRetentionMs() {
        return localRetentionMs == LOCAL_RETENTION_FROM_RETENTION ? retentionMs : localRetentionMs;
    }

    /**
     * {@code local.retention.bytes} with -2 resolved to {@code retention.bytes} (Kafka's
     * {@code LogConfig.localRetentionBytes}): bytes of local {@code .log} files kept before the oldest segments
     * already in remote storage are deleted locally, -1 = unlimited.
     */
    public long effectiveLocalRetentionBytes() {
        return localRetentionBytes == LOCAL_RETENTION_FROM_RETENTION ? retentionBytes : localRetentionBytes;
    }

    /** Kafka 4.x defaults for every setting. */
    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MS, DEFAULT_RETENTION_MS, DEFAULT_RETENTION_BYTES,
            DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_INDEX_INTERVAL_BYTES, DEFAULT_SEGMENT_INDEX_BYTES,
            TimestampType.CREATE_TIME, DEFAULT_TIMESTAMP_BEFORE_MAX_MS, DEFAULT_TIMESTAMP_AFTER_MAX_MS,
            DEFAULT_FLUSH_MESSAGES, DEFAULT_FLUSH_MS, DEFAULT_FILE_DELETE_DELAY_MS, DEFAULT_PRODUCER_ID_EXPIRATION_MS,
            DEFAULT_REMOTE_STORAGE_ENABLE, LOCAL_RETENTION_FROM_RETENTION, LOCAL_RETENTION_FROM_RETENTION);
    }

    /**
     * Builds a config from Kafka topic-config names ({@code "segment.bytes"}, {@code "retention.ms"}, …);
     * missing names take the default, unknown names (e.g. {@code cleanup.policy}) are ignored. With
     * {@code remote.storage.enable=true} it also applies Kafka's cross-config rules
     * ({@code LogConfig.validateRemoteStorageRetentionSize/Time}): when {@code retention.ms} (or
     * {@code retention.bytes}) is bounded, {@code local.retention.ms} (or {@code local.retention.bytes}) must be -2
     * or at most it, and not -1.
     *
     * @throws InvalidConfigurationException (INVALID_CONFIG) if a value does not parse or is out of range
     */
    public static LogConfig fromProperties(Map<String, String> topicConfigs) {
        LogConfig d = defaults();
        return new LogConfig(
            intValue(topicConfigs, TopicConfig.SEGMENT_BYTES_CONFIG, d.segmentBytes),
            longValue(topicConfigs, TopicConfig.SEGMENT_MS_CONFIG, d.segmentMs),
            longValue(topicConfigs, TopicConfig.RETENTION_MS_CONFIG, d.retentionMs),
            longValue(topicConfigs, TopicConfig.RETENTION_BYTES_CONFIG, d.retentionBytes),
            intValue(topicConfigs, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, d.maxMessageBytes),
            intValue(topicConfigs, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, d.indexIntervalBytes),
            intValue(topicConfigs, TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, d.segmentIndexBytes),
            timestampType(topicConfigs, d.messageTimestampType),
            longValue(topicConfigs, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, d.messageTimestampBeforeMaxMs),
            longValue(topicConfigs, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, d.messageTimestampAfterMaxMs),
            longValue(topicConfigs, TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, d.flushMessages),
            longValue(topicConfigs, TopicConfig.FLUSH_MS_CONFIG, d.flushMs),
            longValue(topicConfigs, TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, d.fileDeleteDelayMs),
            longValue(topicConfigs, PRODUCER_ID_EXPIRATION_MS_CONFIG, d.producerIdExpirationMs),
            booleanValue(topicConfigs, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, d.remoteStorageEnable),
            longValue(topicConfigs, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, d.localRetentionMs),
            longValue(topicConfigs, TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, d.localRetentionBytes))
            .validateLocalRetention();
    }

    public LogConfig withSegmentBytes(int value) {
        return new LogConfig(value, segmentMs, retentionMs, retentionBytes, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withSegmentMs(long value) {
        return new LogConfig(segmentBytes, value, retentionMs, retentionBytes, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withRetentionMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, value, retentionBytes, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withRetentionBytes(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, value, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withMaxMessageBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, value, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withIndexIntervalBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, value,
            segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withSegmentIndexBytes(int value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, value, messageTimestampType, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withMessageTimestampType(TimestampType value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, value, messageTimestampBeforeMaxMs, messageTimestampAfterMaxMs,
            flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withMessageTimestampBounds(long beforeMaxMs, long afterMaxMs) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, beforeMaxMs, afterMaxMs, flushMessages,
            flushMs, fileDeleteDelayMs, producerIdExpirationMs, remoteStorageEnable, localRetentionMs,
            localRetentionBytes);
    }

    public LogConfig withFlushMessages(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, value, flushMs, fileDeleteDelayMs, producerIdExpirationMs,
            remoteStorageEnable, localRetentionMs, localRetentionBytes);
    }

    public LogConfig withFlushMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, value, fileDeleteDelayMs, producerIdExpirationMs,
            remoteStorageEnable, localRetentionMs, localRetentionBytes);
    }

    public LogConfig withFileDeleteDelayMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, flushMs, value, producerIdExpirationMs, remoteStorageEnable,
            localRetentionMs, localRetentionBytes);
    }

    public LogConfig withProducerIdExpirationMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, flushMs, fileDeleteDelayMs, value, remoteStorageEnable,
            localRetentionMs, localRetentionBytes);
    }

    /** A copy with {@code remote.storage.enable} set to {@code value}. */
    public LogConfig withRemoteStorageEnable(boolean value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs, value,
            localRetentionMs, localRetentionBytes);
    }

    /** A copy with {@code local.retention.ms} set to {@code value} (-2 = {@code retention.ms}, -1 = unlimited). */
    public LogConfig withLocalRetentionMs(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs,
            remoteStorageEnable, value, localRetentionBytes);
    }

    /** A copy with {@code local.retention.bytes} set to {@code value} (-2 = {@code retention.bytes}, -1 = none). */
    public LogConfig withLocalRetentionBytes(long value) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
            indexIntervalBytes, segmentIndexBytes, messageTimestampType, messageTimestampBeforeMaxMs,
            messageTimestampAfterMaxMs, flushMessages, flushMs, fileDeleteDelayMs, producerIdExpirationMs,
            remoteStorageEnable, localRetentionMs, value);
    }

    /**
     * Kafka's cross-config rules for tiered topics; the metadata layer checks the same on CreateTopics and
     * AlterConfigs, so the record constructor does not (a dynamic change must never make a log unloadable).
     */
    private LogConfig validateLocalRetention() {
        if (remoteStorageEnable) {
            checkLocalRetention(TopicConfig.RETENTION_MS_CONFIG, retentionMs, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG,
                localRetentionMs, retentionMs != -1);
            checkLocalRetention(TopicConfig.RETENTION_BYTES_CONFIG, retentionBytes,
                TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, localRetentionBytes, retentionBytes > -1);
        }
        return this;
    }

    private static void checkLocalRetention(String totalName, long total, String localName, long local,
                                            boolean bounded) {
        if (!bounded || local == LOCAL_RETENTION_FROM_RETENTION) {
            return;
        }
        if (local == -1) {
            throw new InvalidConfigurationException("Invalid value -1 for configuration " + localName
                + ": Value must not be -1 as " + totalName + " value is set as " + total + ".");
        }
        if (local > total) {
            throw new InvalidConfigurationException("Invalid value " + local + " for configuration " + localName
                + ": Value must not be more than " + totalName + " property value: " + total);
        }
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + name
                + ": Value must be at least " + min);
        }
    }

    private static int intValue(Map<String, String> configs, String name, int defaultValue) {
        String value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + name
                + ": Not a number of type INT");
        }
    }

    private static long longValue(Map<String, String> configs, String name, long defaultValue) {
        String value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + name
                + ": Not a number of type LONG");
        }
    }

    private static boolean booleanValue(Map<String, String> configs, String name, boolean defaultValue) {
        String value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("true")) {
            return true;
        }
        if (trimmed.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + name
            + ": Expected value to be either true or false");
    }

    private static TimestampType timestampType(Map<String, String> configs, TimestampType defaultValue) {
        String value = configs.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (value == null) {
            return defaultValue;
        }
        try {
            return TimestampType.forName(value.trim());
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException("Invalid value " + value + " for configuration "
                + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + ": String must be one of: CreateTime, LogAppendTime");
        }
    }
}
