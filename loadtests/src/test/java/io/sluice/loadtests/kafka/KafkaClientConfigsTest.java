package io.sluice.loadtests.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.workload.KafkaSettings;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientConfigsTest {
    @Test
    void producerCarriesTheRunSettingsAndExtraPropertiesWin() {
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", "1", "lz4", 65536, 10,
            Map.of(ProducerConfig.ACKS_CONFIG, "0", "enable.idempotence", "false"), Map.of());

        Properties props = KafkaClientConfigs.producer(settings, "p-0");

        assertThat(props)
            .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")
            .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "p-0")
            .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
            .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536")
            .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "10")
            .containsEntry(ProducerConfig.ACKS_CONFIG, "0")
            .containsEntry("enable.idempotence", "false");
    }

    @Test
    void producerLeavesUnsetOptionsToTheClientDefaults() {
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", "all", "none", null, null, null, null);
        Properties props = KafkaClientConfigs.producer(settings, "p");
        assertThat(props).doesNotContainKeys(ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.LINGER_MS_CONFIG)
            .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    @Test
    void consumerUsesManualAssignmentWithoutGroupOrCommits() {
        KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", "all", "none", null, null, null,
            Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1024"));

        Properties props = KafkaClientConfigs.consumer(settings, "c-1", true);

        assertThat(props).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
            .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
            .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
            .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1024");
        assertThat(KafkaClientConfigs.consumer(settings, "c", false)).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    }
}
