package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The checks that keep corrupt remote bytes from being served. Each batch header is checked structurally (magic v2,
 * size inside the object, offsets increasing from batch to batch and inside the segment: the fields the batch CRC does
 * not cover), and each returned batch passes {@code RecordBatch.ensureValid()} (its own CRC32C over attributes to
 * end, KIP-98). A failure drops the cached chunks holding the bad bytes, so a later read downloads them again, and
 * throws a counted {@link CorruptRecordException} naming the object key and byte position. Thread-safe.
 */
final class BatchVerifier {

    private final LogChunkCache chunks;
    private final ReadCounters counters;

    BatchVerifier(LogChunkCache chunks, ReadCounters counters) {
        this.chunks = chunks;
        this.counters = counters;
    }

    /**
     * Parses and checks the header at {@code bytes[at, at + 61)}: magic v2, size inside the object, and
     * {@code previousLastOffset < baseOffset <= lastOffset <= maxLastOffset}.
     *
     * @param position      the header's position in the {@code .log} object
     * @param maxLastOffset the segment's last offset, or less where the offset index says so
     * @throws CorruptRecordException if a check fails (the chunks holding the header are dropped)
     */
    BatchHeader checkHeader(RemoteSegmentMetadata segment, ByteBuffer bytes, int at, long position,
                            long previousLastOffset, long maxLastOffset) {
        RemoteObject log = segment.objects().log();
        String[] problem = new String[1];
        Optional<BatchHeader> parsed = BatchHeader.parse(bytes, at, position, log.sizeInBytes(), problem);
        if (parsed.isPresent()) {
            BatchHeader header = parsed.get();
            if (header.baseOffset() > previousLastOffset && header.lastOffset() <= maxLastOffset) {
                return header;
            }
            problem[0] = "record batch offsets [" + header.baseOffset() + ", " + header.lastOffset()
                + "] do not follow offset " + previousLastOffset + " within the segment's offsets up to "
                + maxLastOffset;
        }
        chunks.invalidate(log, position, BatchHeader.SIZE);
        throw counters.corruption(log.key(), position, problem[0], null);
    }

    /**
     * The whole batches at the start of {@code bytes} (the object's bytes from {@code first.position()}), every one
     * checked: the first must be {@code first} (found by a header scan), a batch cut off by the end of {@code bytes}
     * is left out, unless {@code bytes} reaches the object's end (then the object is truncated: corrupt).
     *
     * @param bytes       the object's bytes {@code [first.position(), first.position() + bytes.limit())}, holding at
     *                    least the first batch; consumed (the result is a view of it)
     * @param toObjectEnd whether {@code bytes} ends at the object's end
     * @return the whole batches, at least {@code first}, byte for byte as stored
     * @throws CorruptRecordException if a header or a batch CRC check fails
     */
    MemoryRecords wholeBatches(RemoteSegmentMetadata segment, BatchHeader first, ByteBuffer bytes,
                               boolean toObjectEnd) {
        RemoteObject log = segment.objects().log();
        int at = 0;
        long previous = first.baseOffset() - 1;
        while (at < bytes.limit()) {
            int remaining = bytes.limit() - at;
            if (remaining < BatchHeader.SIZE) {
                if (toObjectEnd) {
                    chunks.invalidate(log, first.position() + at, remaining);
                    throw counters.corruption(log.key(), first.position() + at, "the object ends " + remaining
                        + " bytes after a batch boundary, inside a batch header", null);
                }
                break;
            }
            BatchHeader header = checkHeader(segment, bytes, at, first.position() + at, previous,
                segment.lastOffset());
            if (at == 0 && !header.equals(first)) {
                chunks.invalidate(log, first.position(), bytes.limit());
                throw counters.corruption(log.key(), first.position(), "the record batch " + header
                    + " differs from the one found a moment ago, " + first, null);
            }
            if (header.sizeInBytes() > remaining) {
                break;
            }
            previous = header.lastOffset();
            at += header.sizeInBytes();
        }
        MemoryRecords records = MemoryRecords.readableRecords(bytes.duplicate().position(0).limit(at).slice());
        ensureValid(log, first.position(), records, bytes.limit());
        return records;
    }

    private void ensureValid(RemoteObject log, long position, MemoryRecords records, int bytesRead) {
        long batchPosition = position;
        for (MutableRecordBatch batch : records.batches()) {
            try {
                batch.ensureValid();
            } catch (CorruptRecordException | InvalidRecordException e) {
                chunks.invalidate(log, position, bytesRead);
                throw counters.corruption(log.key(), batchPosition, "the record batch at offsets ["
                    + batch.baseOffset() + ", " + batch.lastOffset() + "] fails its CRC check: " + e.getMessage(), e);
            }
            batchPosition += batch.sizeInBytes();
        }
    }
}
