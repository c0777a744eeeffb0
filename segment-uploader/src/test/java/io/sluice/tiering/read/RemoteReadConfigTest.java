package io.sluice.tiering.read;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteReadConfigTest {

    @Test
    void defaults() {
        RemoteReadConfig config = RemoteReadConfig.DEFAULT;
        assertThat(config.chunkBytes()).isEqualTo(1 << 20);
        assertThat(config.cacheBytes()).isEqualTo(128L << 20);
        assertThat(config.readAheadChunks()).isEqualTo(2);
        assertThat(config.indexCacheBytes()).isEqualTo(32L << 20);
    }

    @Test
    void rejectsOutOfRangeValues() {
        RemoteReadConfig config = RemoteReadConfig.DEFAULT;
        assertThatThrownBy(() -> config.withChunkBytes(1023)).isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("chunkBytes");
        assertThatThrownBy(() -> config.withChunkBytes((64 << 20) + 1))
            .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> config.withReadAheadChunks(-1)).isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("readAheadChunks");
        assertThatThrownBy(() -> config.withReadAheadChunks(65)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> config.withIndexCacheBytes(0)).isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("indexCacheBytes");
    }

    @Test
    void theChunkCacheMustHoldAReadAndItsReadAhead() {
        RemoteReadConfig config = RemoteReadConfig.DEFAULT.withChunkBytes(4096).withCacheBytes(3 * 4096);
        assertThat(config.readAheadChunks()).isEqualTo(2);
        assertThatThrownBy(() -> config.withCacheBytes(3 * 4096 - 1)).isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("cacheBytes");
        assertThatThrownBy(() -> config.withReadAheadChunks(3)).isInstanceOf(InvalidConfigurationException.class);
        assertThat(config.withReadAheadChunks(0).withCacheBytes(4096).cacheBytes()).isEqualTo(4096);
    }
}
