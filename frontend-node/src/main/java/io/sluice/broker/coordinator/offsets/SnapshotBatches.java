package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.offsets.OffsetsReplay.OffsetKey;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The snapshot records of a replayed {@code __consumer_offsets} partition: one record per live committed offset and
 * one per live group's metadata, each carrying {@code "at"} = the source offset of what it copies
 * ({@link OffsetRecordCodec}), packed in order into as few uncompressed record batches as fit {@code maxBatchBytes}
 * (the topic's {@code max.message.bytes}, which the leader enforces on every batch). A single record larger than
 * that gets a batch of its own (the append then fails with RECORD_TOO_LARGE / MESSAGE_TOO_LARGE and the snapshot
 * is abandoned).
 */
final class SnapshotBatches {
    private SnapshotBatches() {
    }

    /**
     * @param contents    the committed state to copy
     * @param timestampMs the records' timestamp, milliseconds since the epoch
     * @return the records in batches, each of at most {@code maxBatchBytes} bytes (see above); empty if nothing is live
     */
    static List<MemoryRecords> of(OffsetsPartitionReader.Contents contents, long timestampMs, int maxBatchBytes) {
        List<SimpleRecord> records = new ArrayList<>(contents.liveEntries());
        contents.offsets().forEach((group, partitions) -> partitions.forEach((tp, offset) -> {
            long at = contents.offsetSources().get(new OffsetKey(group, tp));
            records.add(new SimpleRecord(timestampMs, OffsetRecordCodec.key(group, tp),
                    OffsetRecordCodec.value(offset, OptionalLong.of(at))));
        }));
        contents.groups().forEach((group, metadata) -> records.add(new SimpleRecord(timestampMs,
                OffsetRecordCodec.groupKey(group),
                OffsetRecordCodec.groupValue(metadata, OptionalLong.of(contents.groupSources().get(group))))));
        return pack(records, maxBatchBytes);
    }

    static List<MemoryRecords> pack(List<SimpleRecord> records, int maxBatchBytes) {
        List<MemoryRecords> batches = new ArrayList<>();
        List<SimpleRecord> current = new ArrayList<>();
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (SimpleRecord record : records) {
            int recordSize = DefaultRecord.sizeInBytes(current.size(), 0L, record.key(), record.value(),
                    record.headers());
            if (!current.isEmpty() && size + recordSize > maxBatchBytes) {
                batches.add(batch(current));
                current = new ArrayList<>();
                size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
                recordSize = DefaultRecord.sizeInBytes(0, 0L, record.key(), record.value(), record.headers());
            }
            current.add(record);
            size += recordSize;
        }
        if (!current.isEmpty()) {
            batches.add(batch(current));
        }
        return batches;
    }

    private static MemoryRecords batch(List<SimpleRecord> records) {
        return MemoryRecords.withRecords(Compression.NONE, records.toArray(SimpleRecord[]::new));
    }
}
