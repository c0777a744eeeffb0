package io.sluice.storage;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds producer-style record batches (magic v2, base offset 0) and reads values back. */
public final class TestRecords {
    private TestRecords() {
    }

    /** One batch of records with the given values, all stamped {@code timestamp}. */
    public static MemoryRecords batch(Compression compression, long timestamp, String... values) {
        return MemoryRecords.withRecords(compression, simpleRecords(timestamp, values));
    }

    public static MemoryRecords batch(long timestamp, String... values) {
        return batch(Compression.NONE, timestamp, values);
    }

    /** One idempotent batch of {@code producerId}/{@code epoch} starting at {@code baseSequence}. */
    public static MemoryRecords idempotentBatch(long producerId, short epoch, int baseSequence, long timestamp,
                                                String... values) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
            simpleRecords(timestamp, values));
    }

    /** One batch whose records carry the given timestamps (values "t0", "t1", ...). */
    public static MemoryRecords batchWithTimestamps(long... timestamps) {
        SimpleRecord[] records = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            records[i] = new SimpleRecord(timestamps[i], null, ("t" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** A batch whose records have explicit (possibly non-consecutive) offsets. */
    public static MemoryRecords batchWithOffsets(long timestamp, long... offsets) {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
            TimestampType.CREATE_TIME, offsets[0]);
        for (long offset : offsets) {
            builder.appendWithOffset(offset, timestamp, null, ("o" + offset).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    public static SimpleRecord[] simpleRecords(long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(timestamp, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    /** The values of every record, in order. */
    public static List<String> values(Records records) {
        List<String> values = new ArrayList<>();
        for (Record record : records.records()) {
            ByteBuffer value = record.value();
            byte[] bytes = new byte[value.remaining()];
            value.get(bytes);
            values.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return values;
    }

    /** The offsets of every record, in order. */
    public static List<Long> offsets(Records records) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : records.records()) {
            offsets.add(record.offset());
        }
        return offsets;
    }

    /** A copy of the whole buffer of {@code records}. */
    public static byte[] bytes(MemoryRecords records) {
        ByteBuffer buffer = records.buffer().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
