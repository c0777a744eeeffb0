package io.sluice.metadata.config;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicConfigDefsTest {

    @Test
    void defaultsMatchKafkaExceptWhereSluiceDiffers() {
        EffectiveTopicConfig config = TopicConfigDefs.resolve(Map.of(), Map.of());

        assertThat(config.retentionMs()).isEqualTo(604_800_000L);
        assertThat(config.retentionBytes()).isEqualTo(-1L);
        assertThat(config.segmentBytes()).isEqualTo(1_073_741_824);
        assertThat(config.segmentMs()).isEqualTo(604_800_000L);
        assertThat(config.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(config.cleanupPolicy()).containsExactly("delete");
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(config.minInSyncReplicas()).isEqualTo(1);
        assertThat(config.indexIntervalBytes()).isEqualTo(4096);
        assertThat(config.segmentIndexBytes()).isEqualTo(10_485_760);
        assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000L);
        assertThat(config.uncleanLeaderElectionEnable()).isFalse();
        assertThat(config.messageTimestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.messageTimestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(config.compressionType()).isEqualTo("producer");
        assertThat(config.values().get(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG)).isEqualTo(3_600_000L);
        assertThat(config.values().get(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG)).isEqualTo(-2L);
        assertThat(config.localRetentionMs()).as("Sluice keeps one hour locally").isEqualTo(3_600_000L);
        assertThat(config.localRetentionBytes()).isEqualTo(-1L);
        assertThat(config.remoteStorageEnable()).as("Sluice tiers by default").isTrue();
    }

    @Test
    void unknownNameIsRejectedWithKafkasMessage() {
        assertThatThrownBy(() -> TopicConfigDefs.validate(Map.of("retention.mss", "1"), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessage("Unknown topic config name: retention.mss");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "retention.ms|abc|Invalid value abc for configuration retention.ms: Not a number of type LONG",
        "retention.ms|-2|Invalid value -2 for configuration retention.ms: Value must be at least -1",
        "segment.bytes|1023|Invalid value 1023 for configuration segment.bytes: Value must be at least 1024",
        "cleanup.policy|forever|Invalid value forever for configuration cleanup.policy",
        "message.timestamp.type|Now|Invalid value Now for configuration message.timestamp.type",
        "min.insync.replicas|0|Invalid value 0 for configuration min.insync.replicas: Value must be at least 1",
        "unclean.leader.election.enable|yes|Invalid value yes for configuration unclean.leader.election.enable",
        "compression.type|brotli|Invalid value brotli for configuration compression.type",
    })
    void badValuesAreRejected(String name, String value, String messageStart) {
        assertThatThrownBy(() -> TopicConfigDefs.validate(Map.of(name, value), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith(messageStart);
    }

    @Test
    void smallSegmentsAreAllowedForTests() {
        TopicConfigDefs.validate(Map.of("segment.bytes", "1024"), Map.of());
        assertThat(TopicConfigDefs.resolve(Map.of("segment.bytes", "1024"), Map.of()).segmentBytes()).isEqualTo(1024);
    }

    @Test
    void crossConfigRulesHold() {
        assertThatThrownBy(() -> TopicConfigDefs.validate(
            Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5"), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
        assertThatThrownBy(() -> TopicConfigDefs.validate(
            Map.of("retention.ms", "1000", "local.retention.ms", "2000"), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("local.retention.ms")
            .hasMessageContaining("Value must not be more than retention.ms property value: 1000");
        assertThatThrownBy(() -> TopicConfigDefs.validate(
            Map.of("retention.bytes", "1000", "local.retention.bytes", "-1"), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("Value must not be -1 as retention.bytes value is set as 1000.");
        // the same local retention is fine once remote storage is off
        TopicConfigDefs.validate(Map.of("retention.ms", "1000", "local.retention.ms", "2000",
            "remote.storage.enable", "false"), Map.of());
    }

    @Test
    void defaultLocalRetentionIsCappedByRetentionInsteadOfRejected() {
        TopicConfigDefs.validate(Map.of("retention.ms", "60000"), Map.of());
        EffectiveTopicConfig shortLived = TopicConfigDefs.resolve(Map.of("retention.ms", "60000"), Map.of());
        assertThat(shortLived.localRetentionMs()).isEqualTo(60_000L);
        EffectiveTopicConfig defaults = TopicConfigDefs.resolve(Map.of(), Map.of());
        assertThat(defaults.localRetentionMs()).isEqualTo(TopicConfigDefs.DEFAULT_LOCAL_RETENTION_MS);
        assertThat(defaults.localRetentionBytes()).isEqualTo(-1L);
        EffectiveTopicConfig sameAsTotal = TopicConfigDefs.resolve(
            Map.of("local.retention.ms", "-2", "retention.ms", "5000"), Map.of());
        assertThat(sameAsTotal.localRetentionMs()).isEqualTo(5000L);
    }

    @Test
    void turningRemoteStorageOffRequiresDeletingRemoteData() {
        assertThatThrownBy(() -> TopicConfigDefs.validateChange(Map.of("retention.ms", "5"),
            Map.of("remote.storage.enable", "false"), Map.of()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith("It is invalid to disable remote storage without deleting remote data.");
        TopicConfigDefs.validateChange(Map.of("retention.ms", "5"),
            Map.of("remote.storage.enable", "false", "remote.log.delete.on.disable", "true"), Map.of());
    }

    @Test
    void brokerDefaultsOverrideBuiltInDefaultsWithKafkasSynonymPriority() {
        Map<String, String> broker = Map.of(
            "log.retention.hours", "1",
            "log.retention.minutes", "30",
            "log.segment.bytes", "2048",
            "log.roll.hours", "2",
            "message.max.bytes", "5000",
            "log.cleanup.policy", "compact");

        EffectiveTopicConfig config = TopicConfigDefs.resolve(Map.of("segment.bytes", "4096"), broker);

        assertThat(config.retentionMs()).as("minutes beat hours").isEqualTo(30 * 60_000L);
        assertThat(config.segmentBytes()).as("topic override beats broker").isEqualTo(4096);
        assertThat(config.segmentMs()).isEqualTo(2 * 3_600_000L);
        assertThat(config.maxMessageBytes()).isEqualTo(5000);
        assertThat(config.compactEnabled()).isTrue();
        assertThat(config.deleteEnabled()).isFalse();
        assertThat(TopicConfigDefs.resolve(Map.of(), Map.of("log.retention.ms", "-1", "log.retention.hours", "5"))
            .retentionMs()).as("ms beats hours; -1 means forever").isEqualTo(-1L);
        assertThat(TopicConfigDefs.resolve(Map.of(), Map.of("log.retention.hours", "-1")).retentionMs())
            .isEqualTo(-1L);
    }

    @Test
    void badBrokerDefaultIsReported() {
        assertThatThrownBy(() -> TopicConfigDefs.resolve(Map.of(), Map.of("log.retention.hours", "week")))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("log.retention.hours");
    }

    @Test
    void describeReportsValueSourceAndSynonyms() {
        EffectiveTopicConfig config = TopicConfigDefs.resolve(Map.of("retention.ms", "1000"),
            Map.of("log.segment.bytes", "2048"));

        ConfigEntryView retention = config.describe("retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(retention.isDefault()).isFalse();
        assertThat(retention.type()).isEqualTo(ConfigType.LONG);
        assertThat(retention.synonyms()).extracting(ConfigEntryView.Synonym::source)
            .containsExactly(ConfigSource.TOPIC_CONFIG, ConfigSource.DEFAULT_CONFIG);

        ConfigEntryView segment = config.describe("segment.bytes");
        assertThat(segment.value()).isEqualTo("2048");
        assertThat(segment.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(segment.isDefault()).isTrue();
        assertThat(segment.synonyms()).containsExactly(
            new ConfigEntryView.Synonym("log.segment.bytes", "2048", ConfigSource.STATIC_BROKER_CONFIG),
            new ConfigEntryView.Synonym("segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG));

        ConfigEntryView policy = config.describe("cleanup.policy");
        assertThat(policy.value()).isEqualTo("delete");
        assertThat(policy.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(policy.type()).isEqualTo(ConfigType.LIST);

        assertThat(config.describeAll()).extracting(ConfigEntryView::name)
            .containsAll(TopicConfigDefs.names()).isSorted();
    }

    @Test
    void incrementalOperationsFollowKafka() {
        Map<String, Optional<String>> changes = TopicConfigDefs.incrementalChanges(
            Map.of("retention.ms", "5", "cleanup.policy", "delete"),
            List.of(ConfigAlteration.set("segment.bytes", "2048"),
                ConfigAlteration.delete("retention.ms"),
                ConfigAlteration.append("cleanup.policy", "compact,delete")));

        assertThat(changes).containsExactly(
            Map.entry("segment.bytes", Optional.of("2048")),
            Map.entry("retention.ms", Optional.empty()),
            Map.entry("cleanup.policy", Optional.of("delete,compact")));

        Map<String, Optional<String>> subtract = TopicConfigDefs.incrementalChanges(Map.of(),
            List.of(ConfigAlteration.subtract("cleanup.policy", "delete")));
        assertThat(subtract).as("subtract starts from the default").containsEntry("cleanup.policy", Optional.of(""));

        assertThat(TopicConfigDefs.applyChanges(Map.of("retention.ms", "5", "segment.ms", "9"), changes))
            .containsExactly(Map.entry("cleanup.policy", "delete,compact"), Map.entry("segment.bytes", "2048"),
                Map.entry("segment.ms", "9"));
    }

    @Test
    void incrementalOperationsRejectWhatKafkaRejects() {
        assertThatThrownBy(() -> TopicConfigDefs.incrementalChanges(Map.of(),
            List.of(ConfigAlteration.append("retention.ms", "5"))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessage("Can't APPEND to key retention.ms because its type is not LIST.");
        assertThatThrownBy(() -> TopicConfigDefs.incrementalChanges(Map.of(),
            List.of(ConfigAlteration.set("retention.ms", "5"), ConfigAlteration.delete("retention.ms"))))
            .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> TopicConfigDefs.incrementalChanges(Map.of(),
            List.of(ConfigAlteration.set("nope", "5"))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessage("Unknown topic config name: nope");
    }

    @Test
    void brokerDefaultsForCreateTopics() {
        assertThat(BrokerDefaults.defaultNumPartitions(Map.of())).isEqualTo(1);
        assertThat(BrokerDefaults.defaultNumPartitions(Map.of("num.partitions", "6"))).isEqualTo(6);
        assertThat(BrokerDefaults.defaultReplicationFactor(Map.of("default.replication.factor", "3")))
            .isEqualTo((short) 3);
        assertThatThrownBy(() -> BrokerDefaults.defaultNumPartitions(Map.of("num.partitions", "0")))
            .isInstanceOf(InvalidConfigurationException.class);
    }
}
