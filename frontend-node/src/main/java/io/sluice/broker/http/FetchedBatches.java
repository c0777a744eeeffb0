package io.sluice.broker.http;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the record batches of a fetch result: as JSON records, or as the raw bytes stored in the log.
 *
 * <p>A log read starts at the batch holding the fetch offset and may end with a partial batch (Kafka's
 * {@code LogSegment.read} cuts at the byte limit); only whole batches are used. Batches are decompressed when
 * turned into JSON and passed on unchanged as bytes.
 */
final class FetchedBatches {
    private FetchedBatches() {
    }

    /**
     * @return the records at or after {@code fetchOffset} (records before it, in the first batch, are skipped;
     *         control records are left out)
     */
    static List<FetchedRecord> toJson(Records records, int partition, long fetchOffset) {
        List<FetchedRecord> out = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            if (batch.lastOffset() < fetchOffset || batch.isControlBatch()) {
                continue;
            }
            for (Record record : batch) {
                if (record.offset() >= fetchOffset) {
                    out.add(new FetchedRecord(partition, record.offset(), record.timestamp(),
                            batch.timestampType().name(), RecordDataCodec.encode(record.key()),
                            RecordDataCodec.encode(record.value()), headers(record.headers())));
                }
            }
        }
        return out;
    }

    /** @return the offset after the last whole batch, or {@code fetchOffset} if there is none past it */
    static long nextOffset(Records records, long fetchOffset) {
        long next = fetchOffset;
        for (RecordBatch batch : records.batches()) {
            next = Math.max(next, batch.nextOffset());
        }
        return next;
    }

    /** @return the whole batches exactly as stored (record batch format v2) */
    static byte[] toBytes(Records records) {
        int size = 0;
        for (RecordBatch batch : records.batches()) {
            size += batch.sizeInBytes();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        if (records instanceof FileRecords file) {
            try {
                file.readInto(out, 0);
            } catch (IOException e) {
                throw new UncheckedIOException("reading fetched batches failed", e);
            }
        } else if (records instanceof MemoryRecords memory) {
            out.put(memory.buffer().duplicate().limit(memory.buffer().position() + size));
        } else {
            throw new IllegalStateException("unexpected records type " + records.getClass().getName());
        }
        return out.array();
    }

    private static List<FetchedRecord.FetchedHeader> headers(Header[] headers) {
        List<FetchedRecord.FetchedHeader> out = new ArrayList<>(headers.length);
        for (Header header : headers) {
            out.add(new FetchedRecord.FetchedHeader(header.key(),
                    header.value() == null ? null : RecordDataCodec.base64(ByteBuffer.wrap(header.value()))));
        }
        return out;
    }
}
