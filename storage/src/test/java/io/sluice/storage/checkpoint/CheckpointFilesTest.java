package io.sluice.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void offsetCheckpointUsesKafkasTextFormatAndRoundTrips() throws Exception {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        file.write(Map.of(new TopicPartition("orders", 1), 987L, new TopicPartition("orders", 0), 1200L,
            new TopicPartition("a-b.c", 3), 0L));

        assertThat(Files.readString(file.file())).isEqualTo("0\n3\na-b.c 3 0\norders 0 1200\norders 1 987\n");
        assertThat(file.read()).containsExactlyInAnyOrderEntriesOf(Map.of(new TopicPartition("orders", 1), 987L,
            new TopicPartition("orders", 0), 1200L, new TopicPartition("a-b.c", 3), 0L));
        assertThat(Files.exists(dir.resolve("recovery-point-offset-checkpoint.tmp"))).isFalse();
    }

    @Test
    void missingCheckpointReadsAsEmpty() throws Exception {
        assertThat(new OffsetCheckpointFile(dir.resolve("none")).read()).isEmpty();
    }

    @Test
    void malformedCheckpointsAreRejected() throws Exception {
        Path path = dir.resolve("cp");
        OffsetCheckpointFile file = new OffsetCheckpointFile(path);
        Files.writeString(path, "1\n0\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("version");
        Files.writeString(path, "0\n2\nt 0 5\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("Expected 2 entries");
        Files.writeString(path, "0\n1\nt zero 5\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class).hasMessageContaining("Malformed line");
    }

    @Test
    void partitionMetadataFileUsesKafkasFormat() throws Exception {
        Uuid id = Uuid.randomUuid();
        PartitionMetadataFile file = PartitionMetadataFile.in(dir);
        assertThat(file.read()).isEmpty();
        file.write(id);
        assertThat(Files.readString(dir.resolve("partition.metadata"), StandardCharsets.UTF_8))
            .isEqualTo("version: 0\ntopic_id: " + id + "\n");
        assertThat(file.read()).contains(id);
    }

    @Test
    void partitionMetadataRefusesAnotherTopicId() throws Exception {
        PartitionMetadataFile file = PartitionMetadataFile.in(dir);
        Uuid id = Uuid.randomUuid();
        file.writeOrVerify(id);
        file.writeOrVerify(id);
        assertThatThrownBy(() -> file.writeOrVerify(Uuid.randomUuid()))
            .isInstanceOf(InconsistentTopicIdException.class);
    }

    @Test
    void cleanShutdownMarkerCanBeWrittenAndDeleted() throws Exception {
        CleanShutdownFile marker = new CleanShutdownFile(dir);
        assertThat(marker.exists()).isFalse();
        marker.write(42L);
        assertThat(Files.readString(dir.resolve(".kafka_cleanshutdown"))).isEqualTo("{\"version\":0,\"brokerEpoch\":42}");
        marker.delete();
        assertThat(marker.exists()).isFalse();
    }
}
