package io.sluice.storage.producer;

import io.sluice.storage.AppendOrigin;
import io.sluice.storage.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerStateManagerTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long PID = 1000L;
    @TempDir
    Path dir;
    private ProducerStateManager manager;

    @BeforeEach
    void setUp() throws Exception {
        manager = new ProducerStateManager(TP, dir, 86_400_000L);
    }

    /** A batch of {@code count} records of PID with offsets assigned from {@code offset}. */
    private static RecordBatch batch(short epoch, int baseSequence, long offset, int count, long timestamp) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = "v" + i;
        }
        MemoryRecords records = MemoryRecords.withIdempotentRecords(offset, Compression.NONE, PID, epoch,
            baseSequence, 0, TestRecords.simpleRecords(timestamp, values));
        return records.batches().iterator().next();
    }

    private void append(RecordBatch batch, AppendOrigin origin) {
        ProducerAppendInfo info = manager.prepareUpdate(PID, origin);
        info.append(batch);
        manager.update(info);
        manager.updateMapEndOffset(batch.lastOffset() + 1);
    }

    @Test
    void remembersTheLastFiveBatchesForDuplicateDetection() {
        for (int i = 0; i < 6; i++) {
            append(batch((short) 0, i * 2, i * 2L, 2, 100), AppendOrigin.CLIENT);
        }
        ProducerStateEntry entry = manager.lastEntry(PID).orElseThrow();
        assertThat(entry.batchMetadata()).hasSize(5);
        assertThat(entry.findDuplicateBatch(batch((short) 0, 10, 99, 2, 100)))
            .hasValueSatisfying(b -> assertThat(b.firstOffset()).isEqualTo(10));
        assertThat(entry.findDuplicateBatch(batch((short) 0, 2, 99, 2, 100))).isPresent();
        assertThat(entry.findDuplicateBatch(batch((short) 0, 0, 99, 2, 100))).isEmpty();
        assertThat(entry.findDuplicateBatch(batch((short) 1, 10, 99, 2, 100))).isEmpty();
    }

    @Test
    void sequenceGapIsOutOfOrder() {
        append(batch((short) 0, 0, 0, 3, 100), AppendOrigin.CLIENT);
        ProducerAppendInfo info = manager.prepareUpdate(PID, AppendOrigin.CLIENT);
        assertThatThrownBy(() -> info.append(batch((short) 0, 5, 3, 1, 100)))
            .isInstanceOf(OutOfOrderSequenceException.class);
        ProducerAppendInfo next = manager.prepareUpdate(PID, AppendOrigin.CLIENT);
        next.append(batch((short) 0, 3, 3, 1, 100));
    }

    @Test
    void olderEpochIsInvalidProducerEpochForClientsButOnlyWarnedForReplication() {
        append(batch((short) 3, 0, 0, 1, 100), AppendOrigin.CLIENT);
        assertThatThrownBy(() -> manager.prepareUpdate(PID, AppendOrigin.CLIENT).append(batch((short) 2, 1, 1, 1, 100)))
            .isInstanceOf(InvalidProducerEpochException.class);
        manager.prepareUpdate(PID, AppendOrigin.REPLICATION).append(batch((short) 2, 1, 1, 1, 100));
    }

    @Test
    void newEpochMustStartAtSequenceZero() {
        append(batch((short) 0, 0, 0, 1, 100), AppendOrigin.CLIENT);
        assertThatThrownBy(() -> manager.prepareUpdate(PID, AppendOrigin.CLIENT).append(batch((short) 1, 1, 1, 1, 100)))
            .isInstanceOf(OutOfOrderSequenceException.class);
        append(batch((short) 1, 0, 1, 1, 100), AppendOrigin.CLIENT);
        assertThat(manager.lastEntry(PID).orElseThrow().producerEpoch()).isEqualTo((short) 1);
        assertThat(manager.lastEntry(PID).orElseThrow().batchMetadata()).hasSize(1);
    }

    @Test
    void unknownProducerAcceptsAnySequenceAndSequencesWrap() {
        append(batch((short) 0, Integer.MAX_VALUE - 1, 0, 2, 100), AppendOrigin.CLIENT);
        assertThat(manager.lastEntry(PID).orElseThrow().lastSeq()).isEqualTo(Integer.MAX_VALUE);
        append(batch((short) 0, 0, 2, 1, 100), AppendOrigin.CLIENT);
        assertThat(manager.lastEntry(PID).orElseThrow().lastSeq()).isZero();
    }

    @Test
    void snapshotRoundTripsThroughKafkasFileFormat() throws Exception {
        append(batch((short) 2, 0, 0, 3, 1_000), AppendOrigin.CLIENT);
        append(batch((short) 2, 3, 3, 2, 2_000), AppendOrigin.CLIENT);
        manager.takeSnapshot();
        Path file = dir.resolve("00000000000000000005.snapshot");
        assertThat(file).exists();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.getShort(0)).isEqualTo((short) 1);
        assertThat(ByteUtils.readUnsignedInt(bytes, 2)).isEqualTo(Crc32C.compute(bytes, 6, bytes.limit() - 6));
        assertThat(bytes.getInt(6)).isEqualTo(1);
        assertThat(bytes.getLong(10)).isEqualTo(PID);
        assertThat(bytes.getShort(18)).isEqualTo((short) 2);
        assertThat(bytes.getInt(20)).isEqualTo(4);
        assertThat(bytes.getLong(24)).isEqualTo(4L);
        assertThat(bytes.getInt(32)).isEqualTo(1);
        assertThat(bytes.getLong(36)).isEqualTo(2_000L);
        assertThat(bytes.limit()).isEqualTo(10 + 46);

        ProducerStateManager reloaded = new ProducerStateManager(TP, dir, 86_400_000L);
        reloaded.truncateAndReload(0, 5, 3_000);
        assertThat(reloaded.mapEndOffset()).isEqualTo(5);
        ProducerStateEntry entry = reloaded.lastEntry(PID).orElseThrow();
        assertThat(entry.producerEpoch()).isEqualTo((short) 2);
        assertThat(entry.lastSeq()).isEqualTo(4);
        assertThat(entry.lastDataOffset()).isEqualTo(4);
        assertThat(entry.findDuplicateBatch(batch((short) 2, 3, 99, 2, 0))).isPresent();
    }

    @Test
    void corruptSnapshotIsDeletedAndAnOlderOneUsed() throws Exception {
        append(batch((short) 0, 0, 0, 1, 100), AppendOrigin.CLIENT);
        manager.takeSnapshot();
        append(batch((short) 0, 1, 1, 1, 100), AppendOrigin.CLIENT);
        manager.takeSnapshot();
        Path newest = dir.resolve("00000000000000000002.snapshot");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x5A;
        Files.write(newest, bytes);
        assertThatThrownBy(() -> ProducerSnapshotFile.read(newest)).isInstanceOf(CorruptSnapshotException.class);

        ProducerStateManager reloaded = new ProducerStateManager(TP, dir, 86_400_000L);
        reloaded.truncateAndReload(0, 2, 200);
        assertThat(reloaded.mapEndOffset()).isEqualTo(1);
        assertThat(reloaded.lastEntry(PID).orElseThrow().lastSeq()).isZero();
        assertThat(newest).doesNotExist();
    }

    @Test
    void truncateAndReloadDropsSnapshotsOutsideTheLog() throws Exception {
        append(batch((short) 0, 0, 0, 1, 100), AppendOrigin.CLIENT);
        manager.takeSnapshot();
        append(batch((short) 0, 1, 1, 4, 100), AppendOrigin.CLIENT);
        manager.takeSnapshot();
        assertThat(manager.snapshotOffsets()).containsExactly(1L, 5L);
        manager.truncateAndReload(0, 3, 200);
        assertThat(manager.snapshotOffsets()).containsExactly(1L);
        assertThat(manager.latestSnapshotOffset()).isEqualTo(OptionalLong.of(1));
        assertThat(manager.mapEndOffset()).isEqualTo(1);
    }

    @Test
    void idleProducersExpire() {
        append(batch((short) 0, 0, 0, 1, 1_000), AppendOrigin.CLIENT);
        manager.setProducerIdExpirationMs(500);
        assertThat(manager.removeExpiredProducers(1_499)).isZero();
        assertThat(manager.removeExpiredProducers(1_500)).isEqualTo(1);
        assertThat(manager.lastEntry(PID)).isEmpty();
        assertThat(manager.activeProducers()).isEmpty();
    }

    @Test
    void batchMetadataKnowsItsFirstSequenceAcrossWrap() {
        BatchMetadata wrapped = new BatchMetadata(1, 100, 3, 0);
        assertThat(wrapped.firstSeq()).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(wrapped.firstOffset()).isEqualTo(97);
        assertThat(List.of(new BatchMetadata(9, 20, 4, 0).firstSeq())).containsExactly(5);
    }
}
