package io.sluice.storage.log;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig config = LogConfig.defaults();
        assertThat(config.segmentBytes()).isEqualTo(1_073_741_824);
        assertThat(config.segmentMs()).isEqualTo(604_800_000L);
        assertThat(config.retentionMs()).isEqualTo(604_800_000L);
        assertThat(config.retentionBytes()).isEqualTo(-1L);
        assertThat(config.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(config.indexIntervalBytes()).isEqualTo(4096);
        assertThat(config.segmentIndexBytes()).isEqualTo(10_485_760);
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(config.messageTimestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.messageTimestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000L);
        assertThat(config.producerIdExpirationMs()).isEqualTo(86_400_000L);
        assertThat(LogConfig.fromProperties(Map.of())).isEqualTo(config);
    }

    @Test
    void readsKafkaTopicConfigNames() {
        LogConfig config = LogConfig.fromProperties(Map.of(
            "segment.bytes", "1048576", "segment.ms", "3600000", "retention.ms", "-1", "retention.bytes", "5000000",
            "max.message.bytes", "2000000", "index.interval.bytes", "1024", "segment.index.bytes", "4096",
            "message.timestamp.type", "LogAppendTime", "flush.messages", "1", "cleanup.policy", "delete"));
        assertThat(config.segmentBytes()).isEqualTo(1_048_576);
        assertThat(config.segmentMs()).isEqualTo(3_600_000L);
        assertThat(config.retentionMs()).isEqualTo(-1L);
        assertThat(config.retentionBytes()).isEqualTo(5_000_000L);
        assertThat(config.maxMessageBytes()).isEqualTo(2_000_000);
        assertThat(config.indexIntervalBytes()).isEqualTo(1024);
        assertThat(config.segmentIndexBytes()).isEqualTo(4096);
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(config.flushMessages()).isEqualTo(1L);
    }

    @Test
    void invalidValuesAreInvalidConfig() {
        assertThatThrownBy(() -> LogConfig.fromProperties(Map.of("segment.bytes", "ten")))
            .isInstanceOf(InvalidConfigurationException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_CONFIG));
        assertThatThrownBy(() -> LogConfig.fromProperties(Map.of("segment.ms", "0")))
            .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> LogConfig.fromProperties(Map.of("message.timestamp.type", "WallClock")))
            .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> LogConfig.fromProperties(Map.of("retention.ms", "-2")))
            .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> LogConfig.defaults().withFlushMessages(0))
            .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void tieredStorageIsOffByDefaultAndLocalRetentionFollowsRetention() {
        LogConfig config = LogConfig.defaults();
        assertThat(config.remoteStorageEnable()).isFalse();
        assertThat(config.localRetentionMs()).isEqualTo(-2L);
        assertThat(config.localRetentionBytes()).isEqualTo(-2L);
        assertThat(config.effectiveLocalRetentionMs()).isEqualTo(604_800_000L);
        assertThat(config.effectiveLocalRetentionBytes()).isEqualTo(-1L);
        assertThat(config.withRetentionMs(5000).effectiveLocalRetentionMs()).isEqualTo(5000L);
        assertThat(config.withLocalRetentionMs(-1).effectiveLocalRetentionMs()).isEqualTo(-1L);
        assertThat(config.withLocalRetentionBytes(0).effectiveLocalRetentionBytes()).isZero();

        LogConfig oldSignature = new LogConfig(4096, 60_000L, 120_000L, 1_000_000L, 2048, 100, 1024,
            TimestampType.LOG_APPEND_TIME, 10L, 20L, 30L, 40L, 50L, 60L);
        assertThat(oldSignature.remoteStorageEnable()).isFalse();
        assertThat(oldSignature.localRetentionMs()).isEqualTo(-2L);
        assertThat(oldSignature.localRetentionBytes()).isEqualTo(-2L);
        assertThat(oldSignature.effectiveLocalRetentionBytes()).isEqualTo(1_000_000L);
        assertThat(oldSignature.withRemoteStorageEnable(true).withSegmentBytes(8192))
            .extracting(LogConfig::remoteStorageEnable, LogConfig::segmentBytes, LogConfig::retentionMs)
            .containsExactly(true, 8192, 120_000L);
    }

    @Test
    void readsTieredStorageTopicConfigNames() {
        LogConfig config = LogConfig.fromProperties(Map.of("remote.storage.enable", "TRUE",
            "retention.ms", "86400000", "local.retention.ms", "3600000",
            "retention.bytes", "1000000", "local.retention.bytes", "-2"));
        assertThat(config.remoteStorageEnable()).isTrue();
        assertThat(config.localRetentionMs()).isEqualTo(3_600_000L);
        assertThat(config.effectiveLocalRetentionMs()).isEqualTo(3_600_000L);
        assertThat(config.localRetentionBytes()).isEqualTo(-2L);
        assertThat(config.effectiveLocalRetentionBytes()).isEqualTo(1_000_000L);
        assertThat(LogConfig.fromProperties(Map.of("remote.storage.enable", "false")).remoteStorageEnable()).isFalse();
    }

    @Test
    void tieredStorageSettingsAreCheckedAsKafkaDoes() {
        assertInvalid(Map.of("local.retention.ms", "-3"), "local.retention.ms");
        assertInvalid(Map.of("local.retention.bytes", "-3"), "local.retention.bytes");
        assertInvalid(Map.of("remote.storage.enable", "yes"), "remote.storage.enable");
        assertInvalid(Map.of("remote.storage.enable", "true", "retention.ms", "1000", "local.retention.ms", "2000"),
            "Value must not be more than retention.ms");
        assertInvalid(Map.of("remote.storage.enable", "true", "retention.bytes", "100", "local.retention.bytes", "-1"),
            "Value must not be -1 as retention.bytes value is set as 100");
        assertThatThrownBy(() -> LogConfig.defaults().withLocalRetentionBytes(-3))
            .isInstanceOf(InvalidConfigurationException.class);

        assertThat(LogConfig.fromProperties(Map.of("remote.storage.enable", "true", "retention.ms", "-1",
            "local.retention.ms", "5000")).effectiveLocalRetentionMs()).isEqualTo(5000L);
        assertThat(LogConfig.fromProperties(Map.of("remote.storage.enable", "true", "retention.bytes", "100",
            "local.retention.bytes", "100")).effectiveLocalRetentionBytes()).isEqualTo(100L);
        // Without remote storage the local settings are unused, so Kafka does not cross-check them.
        assertThat(LogConfig.fromProperties(Map.of("retention.ms", "1000", "local.retention.ms", "2000"))
            .localRetentionMs()).isEqualTo(2000L);
    }

    private static void assertInvalid(Map<String, String> configs, String messagePart) {
        assertThatThrownBy(() -> LogConfig.fromProperties(configs))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining(messagePart)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_CONFIG));
    }
}
