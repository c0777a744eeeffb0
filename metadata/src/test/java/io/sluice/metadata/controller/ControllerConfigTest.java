package io.sluice.metadata.controller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControllerConfigTest {

    @Test
    void defaultsAreKafkas() {
        ControllerConfig d = ControllerConfig.defaults();
        assertThat(d.autoLeaderRebalanceEnable()).isTrue();
        assertThat(d.leaderImbalanceCheckInterval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(d.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ControllerConfig.fromBrokerSettings(Map.of())).isEqualTo(d);
    }

    @Test
    void readsBrokerSettingsWithTheMillisecondOverrideWinning() {
        ControllerConfig c = ControllerConfig.fromBrokerSettings(Map.of("controller.lease.ttl.ms", "2000",
            "auto.leader.rebalance.enable", "false", "leader.imbalance.check.interval.seconds", "30"));
        assertThat(c).isEqualTo(new ControllerConfig(Duration.ofSeconds(2), false, Duration.ofSeconds(30)));
        assertThat(ControllerConfig.fromBrokerSettings(Map.of("leader.imbalance.check.interval.seconds", "30",
            "leader.imbalance.check.interval.ms", "250")).leaderImbalanceCheckInterval())
            .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> ControllerConfig.fromBrokerSettings(Map.of("auto.leader.rebalance.enable", "yes")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto.leader.rebalance.enable");
        assertThatThrownBy(() -> ControllerConfig.fromBrokerSettings(Map.of("controller.lease.ttl.ms", "soon")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("controller.lease.ttl.ms");
        assertThatThrownBy(() -> ControllerConfig.fromBrokerSettings(Map.of("controller.lease.ttl.ms", "0")))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
