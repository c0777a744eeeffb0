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
        assertThat(config.copyMaxBytesPerSecond()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.readerThreads()).isEqualTo(10);
        assertThat(config.fetchCacheBytes()).isEqualTo(128L << 20);
        assertThat(config.fetchChunkBytes()).isEqualTo(1 << 20);
        assertThat(config.fetchReadAheadChunks()).isEqualTo(2);
        assertThat(config.indexCacheBytes()).isEqualTo(1L << 30);
        assertThat(config.orphanCollectionIntervalMs()).isEqualTo(600_000L);
    }

    @Test
    void readsTheRemoteReadAndThrottleSettings() {
        RemoteLogManagerConfig config = RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "remote.log.manager.copy.max.bytes.per.second", "1048576", "remote.log.reader.threads", "3",
                "sluice.remote.fetch.cache.bytes", "1000000", "sluice.remote.fetch.chunk.bytes", "65536",
                "sluice.remote.fetch.read.ahead.chunks", "0", "remote.log.index.file.cache.total.size.bytes", "5000",
                "sluice.remote.orphan.collection.interval.ms", "1000"));
        assertThat(config.copyMaxBytesPerSecond()).isEqualTo(1_048_576L);
        assertThat(config.readerThreads()).isEqualTo(3);
        assertThat(config.fetchCacheBytes()).isEqualTo(1_000_000L);
        assertThat(config.fetchChunkBytes()).isEqualTo(65_536);
        assertThat(config.fetchReadAheadChunks()).isZero();
        assertThat(config.indexCacheBytes()).isEqualTo(5000L);
        assertThat(config.orphanCollectionIntervalMs()).isEqualTo(1000L);
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "sluice.remote.fetch.chunk.bytes", "100"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sluice.remote.fetch.chunk.bytes");
        assertThatThrownBy(() -> RemoteLogManagerConfig.fromBrokerSettings(Map.of("sluice.s3.bucket", "b",
                "remote.log.manager.copy.max.bytes.per.second", "0"))).isInstanceOf(ConfigException.class);
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
