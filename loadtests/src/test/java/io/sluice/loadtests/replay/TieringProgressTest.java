package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TieringProgressTest {
    @Test
    void recordsBelowTheLocalLogStartOffsetAreRemote() {
        TieringProgress progress = new TieringProgress(List.of(
            new PartitionTiering(1, 1000, 0, -1),
            new PartitionTiering(0, 1000, 900, 899)));

        assertThat(progress.partitions()).extracting(PartitionTiering::partition).containsExactly(0, 1);
        assertThat(progress.totalRecords()).isEqualTo(2000);
        assertThat(progress.remoteRecords()).isEqualTo(900);
        assertThat(progress.remoteFraction()).isEqualTo(0.45);
        assertThat(progress.partitions().get(0).localRecords()).isEqualTo(100);
        assertThat(progress.partitions().get(1).localRecords()).isEqualTo(1000);
    }

    @Test
    void settledWhenEveryPartitionKeepsAtMostOneSegmentLocally() {
        long perSegment = 100;
        assertThat(new TieringProgress(List.of(new PartitionTiering(0, 1000, 900, 899),
            new PartitionTiering(1, 1000, 950, 949))).isSettled(perSegment)).isTrue();
        // uploaded but not yet deleted locally (the broker's retention check has not run)
        assertThat(new TieringProgress(List.of(new PartitionTiering(0, 1000, 0, 899))).isSettled(perSegment)).isFalse();
        // one partition still behind
        assertThat(new TieringProgress(List.of(new PartitionTiering(0, 1000, 900, 899),
            new PartitionTiering(1, 1000, 800, 899))).isSettled(perSegment)).isFalse();
    }

    @Test
    void anEmptyTopicIsNeitherSettledNorRemote() {
        TieringProgress empty = new TieringProgress(List.of(new PartitionTiering(0, 0, 0, -1)));
        assertThat(empty.isSettled(100)).isFalse();
        assertThat(empty.remoteFraction()).isZero();
    }

    @Test
    void describeNamesEveryPartitionsOffsets() {
        TieringProgress progress = new TieringProgress(List.of(new PartitionTiering(0, 16000, 15000, 14999)));
        assertThat(progress.describe())
            .isEqualTo("remote 93.8% of 16,000 records (p0 local start 15000, tiered to 14999, end 16000)");
    }

    @Test
    void theTopicConfigsTierEverythingAndKeepEveryRecord() {
        assertThat(TieredTopic.tieredConfigs(64 << 20, 0)).containsEntry("remote.storage.enable", "true")
            .containsEntry("segment.bytes", "67108864").containsEntry("local.retention.bytes", "0")
            .containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1");
    }
}
