package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LagMetricsConfigTest {
    @Test
    void defaultsToTenSeconds() {
        assertThat(LagMetricsConfig.fromBrokerSettings(Map.of()).refreshIntervalMs()).isEqualTo(10_000L);
        assertThat(LagMetricsConfig.fromBrokerSettings(Map.of("sluice.group.lag.interval.ms", " ")).refreshIntervalMs())
                .isEqualTo(10_000L);
    }

    @Test
    void readsTheBrokerSetting() {
        assertThat(LagMetricsConfig.fromBrokerSettings(Map.of("sluice.group.lag.interval.ms", "250"))
                .refreshIntervalMs()).isEqualTo(250L);
    }

    @Test
    void rejectsNonPositiveOrMalformedIntervals() {
        for (String bad : new String[]{"0", "-5", "ten", "1.5"}) {
            assertThatThrownBy(() -> LagMetricsConfig.fromBrokerSettings(Map.of("sluice.group.lag.interval.ms", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("sluice.group.lag.interval.ms");
        }
    }
}
