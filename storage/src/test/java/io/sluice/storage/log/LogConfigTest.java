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
}
