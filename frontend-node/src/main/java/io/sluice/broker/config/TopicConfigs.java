package io.sluice.broker.config;

import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.EffectiveTopicConfig;
import io.sluice.metadata.config.TopicConfigDefs;
import io.sluice.storage.log.LogConfig;

import java.util.Map;

/**
 * Resolves a topic's effective configuration (its overrides on top of this broker's {@code log.*} defaults on top
 * of Kafka's defaults, see {@link TopicConfigDefs}) and turns it into the storage layer's {@link LogConfig}.
 */
public final class TopicConfigs {
    private static final long PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000L;

    private final Map<String, String> brokerSettings;
    private final long producerIdExpirationMs;
    private final boolean remoteStorageSystemEnabled;

    /** @param brokerSettings the broker's settings as configured (Kafka broker config names); no tiered storage */
    public TopicConfigs(Map<String, String> brokerSettings) {
        this(brokerSettings, false);
    }

    /**
     * @param brokerSettings             the broker's settings as configured (Kafka broker config names)
     * @param remoteStorageSystemEnabled whether this broker has tiered storage ({@code remote.log.storage.system.enable},
     *                                   KIP-405): a topic's {@code remote.storage.enable} only takes effect on the log
     *                                   (local retention after upload, reads below the local log start) if it does
     */
    public TopicConfigs(Map<String, String> brokerSettings, boolean remoteStorageSystemEnabled) {
        this.remoteStorageSystemEnabled = remoteStorageSystemEnabled;
        this.brokerSettings = Map.copyOf(brokerSettings);
        this.producerIdExpirationMs = Long.parseLong(brokerSettings.getOrDefault("producer.id.expiration.ms",
                Long.toString(PRODUCER_ID_EXPIRATION_MS_DEFAULT)));
    }

    /** @return the broker settings that act as topic defaults */
    public Map<String, String> brokerSettings() {
        return brokerSettings;
    }

    public EffectiveTopicConfig resolve(TopicMetadata topic) {
        return TopicConfigDefs.resolve(topic.configOverrides(), brokerSettings);
    }

    /** @return the log settings of {@code topic} */
    public LogConfig logConfig(TopicMetadata topic) {
        return toLogConfig(resolve(topic));
    }

    /** @return the log settings of a topic without overrides */
    public LogConfig defaultLogConfig() {
        return toLogConfig(TopicConfigDefs.resolve(Map.of(), brokerSettings));
    }

    private LogConfig toLogConfig(EffectiveTopicConfig c) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                c.indexIntervalBytes(), c.segmentIndexBytes(), c.messageTimestampType(), c.messageTimestampBeforeMaxMs(),
                c.messageTimestampAfterMaxMs(), c.flushMessages(), c.flushMs(), c.fileDeleteDelayMs(),
                producerIdExpirationMs, remoteStorageSystemEnabled && c.remoteStorageEnable() && !c.compactEnabled(),
                c.localRetentionMs(), c.localRetentionBytes());
    }
}
