package io.sluice.broker.tiering;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteLogManagerConfigTest {

    @Test
    void disabledWithoutAnObjectStore() {
        RemoteLogManagerConfig config = RemoteLogManagerConfig.fromBrokerSettings(Map.of());
        assertThat(config.enabled()).isFalse();
        assertThat(config.s3()).isEmpty();
        assertThat(config.taskIntervalMs()).isEqualTo(30_000);
        assertThat(config.copyMaxInflight()).isEqualTo(2);
    }

    @Test
    void anEndpointEnablesPathStyleAndBucketCreation() {
        RemoteLogManagerConfig config = RemoteLogManagerConfig.fromBrokerSettings(Map.of(
                "sluice.s3.endpoint", "http://127.0.0.1:9000", "sluice.s3.bucket", "b", "sluice.s3.prefix", "c1",
                "sluice.s3.access.key", "a", "sluice.s3.secret.key", "s",
                "remote.log.manager.task.interval.ms", "200", "remote.log.manager.copy.max.inflight", "4"));
        assertThat(config.enabled()).isTrue();
        assertThat(config.taskIntervalMs()).isEqualTo(200);
        assertThat(config.copyMaxInflight()).isEqualTo(4);
        var s3 = config.s3().orElseThrow();
        assertThat(s3.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(s3.bucket()).isEqualTo("b");
        assertThat(s3.keyPrefix()).isEqualTo("c1/");
        assertThat(s3.region()).isEqualTo("us-east-1");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.createBucketIfMissing()).isTrue();
        assertThat(s3.credentials()).hasValueSatisfying(c -> assertThat(c.accessKeyId()).isEqualTo("a"));
    }

    @Test
    void awsBucketUsesVirtualHostsAndTheDefaultCredentialsChain() {
        var s3 = RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b", "sluice.s3.region",
                "eu-west-1")).s3().orElseThrow();
        assertThat(s3.endpoint()).isEmpty();
        assertThat(s3.pathStyle()).isFalse();
        assertThat(s3.createBucketIfMissing()).isFalse();
        assertThat(s3.credentials()).isEmpty();
        assertThat(s3.region()).isEqualTo("eu-west-1");
    }

    @Test
    void explicitDisableWins() {
        assertThat(RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "remote.log.storage.system.enable", "false")).enabled()).isFalse();
    }

    @Test
    void rejectsIncompleteSettings() {
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of(
                "remote.log.storage.system.enable", "true"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sluice.s3.bucket");
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "sluice.s3.access.key", "a"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "remote.log.manager.copy.max.inflight", "0"))).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "sluice.s3.endpoint", "not a uri"))).isInstanceOf(ConfigException.class);
    }
}
