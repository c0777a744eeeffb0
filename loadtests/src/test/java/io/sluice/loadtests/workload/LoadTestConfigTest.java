package io.sluice.loadtests.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;

class LoadTestConfigTest {
    static KafkaSettings kafka(String bootstrap) {
        return new KafkaSettings(bootstrap, "all", "none", null, null, Map.of(), Map.of());
    }

    static LoadTestConfig config(Mode mode, Long numRecords, Duration duration, KafkaSettings kafka, HttpSettings http) {
        return new LoadTestConfig(mode, "t", 6, (short) 1, 1024, numRecords, duration, null, 2, 2,
            StartPosition.LATEST, Duration.ofSeconds(10), Duration.ofSeconds(5), null, null, kafka, http);
    }

    @Test
    void aValidRunExposesItsLimits() {
        LoadTestConfig config = config(Mode.BOTH, 1000L, null, kafka("127.0.0.1:9092"), null);
        assertThat(config.usesHttp()).isFalse();
        assertThat(config.recordLimit()).isEqualTo(1000);
        assertThat(config.durationLimitNanos()).isEqualTo(Long.MAX_VALUE);

        LoadTestConfig timed = config(Mode.PRODUCE, null, Duration.ofSeconds(2), kafka("127.0.0.1:9092"), null);
        assertThat(timed.recordLimit()).isEqualTo(WorkBudget.UNBOUNDED_COUNT);
        assertThat(timed.durationLimitNanos()).isEqualTo(2_000_000_000L);
    }

    @Test
    void everyRunMustBeBounded() {
        assertThatThrownBy(() -> config(Mode.BOTH, null, null, kafka("127.0.0.1:9092"), null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--num-records, --duration");
    }

    @Test
    void needsATarget() {
        assertThatThrownBy(() -> config(Mode.BOTH, 10L, null, kafka(null), null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bootstrap-servers");
        HttpSettings http = new HttpSettings(URI.create("http://127.0.0.1:8080"), 100, 4, 1 << 20,
            Duration.ofMillis(500), Duration.ofSeconds(30));
        assertThat(config(Mode.BOTH, 10L, null, kafka(null), http).usesHttp()).isTrue();
    }

    @Test
    void rejectsIllegalTopicNamesAsKafkaDoes() {
        assertThatThrownBy(() -> new LoadTestConfig(Mode.BOTH, "bad topic!", 1, (short) 1, 1024, 1L, null, null, 1, 1,
            StartPosition.LATEST, Duration.ofSeconds(1), Duration.ofSeconds(1), null, null, kafka("127.0.0.1:9092"), null))
            .isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void rejectsBadKafkaSettings() {
        assertThatThrownBy(() -> new KafkaSettings("h:1", "2", "none", null, null, null, null))
            .hasMessageContaining("--acks");
        assertThatThrownBy(() -> new KafkaSettings("h:1", "all", "brotli", null, null, null, null))
            .hasMessageContaining("--compression");
        assertThatThrownBy(() -> new KafkaSettings("h:1", "all", "none", -1, null, null, null))
            .hasMessageContaining("--batch-size");
        assertThat(new KafkaSettings("h:1", "-1", "zstd", 0, 0, null, null).producerProperties()).isEmpty();
    }

    @Test
    void rejectsBadHttpSettings() {
        assertThatThrownBy(() -> new HttpSettings(URI.create("ftp://127.0.0.1"), 1, 1, 1, Duration.ZERO, Duration.ofSeconds(1)))
            .hasMessageContaining("--http-url");
        assertThatThrownBy(() -> new HttpSettings(URI.create("http://127.0.0.1:8080"), 0, 1, 1, Duration.ZERO, Duration.ofSeconds(1)))
            .hasMessageContaining("--http-batch-records");
    }

    @Test
    void sidesThatRunNeedClients() {
        assertThatThrownBy(() -> new LoadTestConfig(Mode.PRODUCE, "t", 1, (short) 1, 1024, 1L, null, null, 0, 0,
            StartPosition.LATEST, Duration.ofSeconds(1), Duration.ofSeconds(1), null, null, kafka("h:1"), null))
            .hasMessageContaining("--producers");
        // A consume-only run needs no producers.
        assertThat(new LoadTestConfig(Mode.CONSUME, "t", 1, (short) 1, 1024, 1L, null, null, 0, 1,
            StartPosition.EARLIEST, Duration.ofSeconds(1), Duration.ofSeconds(1), null, null, kafka("h:1"), null).consumers())
            .isEqualTo(1);
    }
}
