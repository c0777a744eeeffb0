package io.sluice.storage.producer;

import io.sluice.storage.checkpoint.AtomicFiles;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes Kafka's producer snapshot format ({@code <20-digit offset>.snapshot}, version 1, as written by
 * Kafka's {@code ProducerStateManager.writeSnapshot} and read by {@code kafka-dump-log}). All numbers big-endian:
 *
 * <pre>
 * version                  int16   = 1
 * crc                      uint32  CRC32C of every byte after this field
 * producer_entries         int32 count, then per producer:
 *   producer_id              int64
 *   epoch                    int16
 *   last_sequence            int32   (-1 if no batch is remembered)
 *   last_offset              int64   (-1 if no batch is remembered)
 *   offset_delta             int32   last_offset - first offset of that batch
 *   timestamp                int64   max timestamp of the producer's last batch, ms
 *   coordinator_epoch        int32   (-1: no transactions in Sluice)
 *   current_txn_first_offset int64   (-1: no transactions in Sluice)
 * </pre>
 *
 * Only the newest batch of each producer is stored (as Kafka does); the batches appended after the snapshot's
 * offset are replayed from the log on load. Files are written atomically and fsynced.
 */
public final class ProducerSnapshotFile {
    public static final short VERSION = 1;
    private static final int CRC_OFFSET = 2;
    private static final int ENTRIES_OFFSET = CRC_OFFSET + 4;
    private static final int ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

    private ProducerSnapshotFile() {
    }

    /** Writes {@code entries} to {@code file} atomically. */
    public static void write(Path file, Collection<ProducerStateEntry> entries) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(ENTRIES_OFFSET + 4 + entries.size() * ENTRY_SIZE);
        buffer.putShort(VERSION);
        buffer.putInt(0);
        buffer.putInt(entries.size());
        for (ProducerStateEntry entry : entries) {
            buffer.putLong(entry.producerId());
            buffer.putShort(entry.producerEpoch());
            buffer.putInt(entry.lastSeq());
            buffer.putLong(entry.lastDataOffset());
            buffer.putInt(entry.lastOffsetDelta());
            buffer.putLong(entry.lastTimestamp());
            buffer.putInt(entry.coordinatorEpoch());
            buffer.putLong(-1L);
        }
        buffer.flip();
        long crc = Crc32C.compute(buffer, ENTRIES_OFFSET, buffer.limit() - ENTRIES_OFFSET);
        ByteUtils.writeUnsignedInt(buffer, CRC_OFFSET, crc);
        AtomicFiles.write(file, buffer);
    }

    /**
     * Reads the producer entries of {@code file}.
     *
     * @throws CorruptSnapshotException if the version is unknown, the CRC does not match or the length is wrong
     * @throws IOException              if the file cannot be read
     */
    public static List<ProducerStateEntry> read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buffer.remaining() < ENTRIES_OFFSET + 4) {
            throw new CorruptSnapshotException("Snapshot " + file + " is truncated: " + buffer.remaining() + " bytes");
        }
        short version = buffer.getShort(0);
        if (version != VERSION) {
            throw new CorruptSnapshotException("Snapshot " + file + " has an unknown version " + version);
        }
        long storedCrc = ByteUtils.readUnsignedInt(buffer, CRC_OFFSET);
        long computedCrc = Crc32C.compute(buffer, ENTRIES_OFFSET, buffer.limit() - ENTRIES_OFFSET);
        if (storedCrc != computedCrc) {
            throw new CorruptSnapshotException("Snapshot " + file + " is corrupt (CRC is no longer valid). Stored crc: "
                + storedCrc + ". Computed crc: " + computedCrc);
        }
        int count = buffer.getInt(ENTRIES_OFFSET);
        if (count < 0 || buffer.limit() != ENTRIES_OFFSET + 4 + (long) count * ENTRY_SIZE) {
            throw new CorruptSnapshotException("Snapshot " + file + " declares " + count + " entries but has "
                + buffer.limit() + " bytes");
        }
        buffer.position(ENTRIES_OFFSET + 4);
        List<ProducerStateEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long producerId = buffer.getLong();
            short epoch = buffer.getShort();
            int lastSeq = buffer.getInt();
            long lastOffset = buffer.getLong();
            int offsetDelta = buffer.getInt();
            long timestamp = buffer.getLong();
            int coordinatorEpoch = buffer.getInt();
            buffer.getLong();
            Optional<BatchMetadata> batch = lastOffset >= 0
                ? Optional.of(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp))
                : Optional.empty();
            entries.add(new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp, batch));
        }
        return entries;
    }
}
