package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaySettingsTest {
    private static ReplaySettings with(long totalBytes, int recordSize, int segmentBytes, int partitions) {
        return new ReplaySettings("127.0.0.1:9092", "t", partitions, (short) 1, totalBytes, recordSize, segmentBytes, 0L, "1",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null);
    }

    @Test
    void recordCountRoundsUpToWholeRecords() {
        assertThat(with(1L << 30, 1024, 64 << 20, 1).recordCount()).isEqualTo(1_048_576L);
        assertThat(with(10_000_001L, 1000, 1 << 20, 1).recordCount()).isEqualTo(10_001L);
    }

    @Test
    void aSegmentHoldsFewerRecordsThanItsSizeOverTheRecordSize() {
        assertThat(with(1L << 30, 1024, 64 << 20, 1).maxRecordsPerSegment()).isEqualTo(65_536L);
        assertThat(with(1L << 30, 1000, 64 << 20, 1).maxRecordsPerSegment()).isEqualTo(67_108L);
    }

    @Test
    void eachPartitionMustFillAtLeastTwoSegmentsSoOneIsSealedAndTiered() {
        assertThat(with(128L << 20, 1024, 64 << 20, 1).partitions()).isEqualTo(1);
        assertThatThrownBy(() -> with(128L << 20, 1024, 64 << 20, 2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two segments per partition");
        assertThatThrownBy(() -> with(100L << 20, 1024, 64 << 20, 1)).hasMessageContaining("--bytes");
    }

    @Test
    void rejectsBadOptionsByName() {
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "0",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--load-acks");
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 0, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--raw-concurrency");
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 3, 0, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--raw-passes");
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 3, 3, 0.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--tail-rate");
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 512, 0L, "1",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--segment-bytes");
        assertThatThrownBy(() -> new ReplaySettings("127.0.0.1:9092", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ZERO, Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--tail-duration");
        assertThatThrownBy(() -> new ReplaySettings(" ", "t", 1, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), ReplayFixtures.devStore(), null, null, false, null)).hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void objectStoreSettingsMatchTheBrokersS3Settings() {
        ObjectStoreSettings store = new ObjectStoreSettings(java.net.URI.create("http://127.0.0.1:9000"), "sluice",
            "cluster-a", "us-east-1", "ak", "sk");
        assertThat(store.prefix()).isEqualTo("cluster-a/");
        var config = store.toS3Config(8);
        assertThat(config.keyPrefix()).isEqualTo("cluster-a/");
        assertThat(config.pathStyle()).isTrue();
        assertThat(config.endpoint()).contains(java.net.URI.create("http://127.0.0.1:9000"));
        assertThat(config.credentials()).hasValueSatisfying(c -> assertThat(c.accessKeyId()).isEqualTo("ak"));
        assertThat(config.maxConnections()).isEqualTo(8);
        assertThat(config.createBucketIfMissing()).isFalse();

        ObjectStoreSettings aws = new ObjectStoreSettings(null, "b", null, "eu-west-1", null, null);
        assertThat(aws.prefix()).isEmpty();
        assertThat(aws.toS3Config(8).pathStyle()).isFalse();
        assertThat(aws.toS3Config(8).credentials()).isEmpty();
        assertThatThrownBy(() -> new ObjectStoreSettings(null, "b", "", "us-east-1", "ak", null))
            .hasMessageContaining("--s3-access-key and --s3-secret-key");
    }
}
