package io.sluice.tiering.remote;

import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.epoch.LeaderEpochCheckpointFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderEpochLineageTest {

    private static final List<EpochEntry> LINEAGE = List.of(new EpochEntry(0, 0), new EpochEntry(2, 100),
        new EpochEntry(5, 250));

    @Test
    void aSegmentGetsTheEpochInForceAtItsBaseAndTheOnesStartingInside() {
        assertThat(LeaderEpochLineage.forSegment(LINEAGE, 0, 99)).isEqualTo(new TreeMap<>(Map.of(0, 0L)));
        assertThat(LeaderEpochLineage.forSegment(LINEAGE, 50, 300))
            .isEqualTo(new TreeMap<>(Map.of(0, 50L, 2, 100L, 5, 250L)));
        assertThat(LeaderEpochLineage.forSegment(LINEAGE, 100, 249)).isEqualTo(new TreeMap<>(Map.of(2, 100L)));
        assertThat(LeaderEpochLineage.forSegment(LINEAGE, 400, 500)).isEqualTo(new TreeMap<>(Map.of(5, 400L)));
        assertThat(LeaderEpochLineage.forSegment(List.of(new EpochEntry(3, 120)), 100, 199))
            .as("lineage starting inside the segment").isEqualTo(new TreeMap<>(Map.of(3, 100L)));
        assertThatThrownBy(() -> LeaderEpochLineage.forSegment(List.of(new EpochEntry(3, 500)), 100, 199))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(LeaderEpochLineage.upTo(LINEAGE, 249)).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 100));
    }

    @Test
    void theCheckpointObjectIsInKafkasFormat(@TempDir Path dir) throws Exception {
        byte[] bytes = LeaderEpochLineage.toCheckpoint(LINEAGE);
        assertThat(new String(bytes)).isEqualTo("0\n3\n0 0\n2 100\n5 250\n");

        Path file = dir.resolve(LeaderEpochCheckpointFile.FILE_NAME);
        Files.write(file, bytes);
        assertThat(new LeaderEpochCheckpointFile(file).read()).as("read by the storage module's reader")
            .containsExactlyElementsOf(LINEAGE);
        assertThat(LeaderEpochLineage.fromCheckpoint(bytes)).containsExactlyElementsOf(LINEAGE);
        assertThat(LeaderEpochLineage.fromCheckpoint(LeaderEpochLineage.toCheckpoint(List.of()))).isEmpty();
        assertThatThrownBy(() -> LeaderEpochLineage.fromCheckpoint("0\n2\n1 1\n".getBytes()))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
