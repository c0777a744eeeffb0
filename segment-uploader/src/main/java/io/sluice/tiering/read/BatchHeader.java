package io.sluice.tiering.read;

import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The fixed 61-byte header of a v2 record batch (KIP-98; Kafka's {@code DefaultRecordBatch}), big-endian:
 * <pre>
 *  0 baseOffset int64            27 baseTimestamp int64
 *  8 batchLength int32           35 maxTimestamp int64
 * 12 partitionLeaderEpoch int32  43 producerId int64
 * 16 magic int8 (2)              51 producerEpoch int16
 * 17 crc uint32                  53 baseSequence int32
 * 21 attributes int16            57 recordsCount int32
 * 23 lastOffsetDelta int32       61 records ...
 * </pre>
 * {@code batchLength} counts the bytes after its own field, so the batch occupies {@code 12 + batchLength} bytes. The
 * CRC32C covers the bytes from {@code attributes} to the end of the batch: {@code baseOffset}, {@code batchLength}
 * and {@code partitionLeaderEpoch} are <em>not</em> covered (the broker rewrites them without recomputing it), which
 * is why the reader checks them structurally (offsets increase, stay inside the segment, sizes stay inside the
 * object). Sluice logs hold only magic v2 batches (its {@code LogValidator} accepts nothing else).
 *
 * @param position     the batch's byte position in the {@code .log} object
 * @param baseOffset   its first offset, inclusive
 * @param lastOffset   its last offset, inclusive ({@code baseOffset + lastOffsetDelta})
 * @param sizeInBytes  its whole size in bytes, header included
 * @param maxTimestamp its largest record timestamp (the append time for {@code LogAppendTime} batches), ms
 */
record BatchHeader(long position, long baseOffset, long lastOffset, int sizeInBytes, long maxTimestamp) {

    /** Bytes of the header ({@code DefaultRecordBatch.RECORD_BATCH_OVERHEAD}). */
    static final int SIZE = 61;
    /** Bytes before {@code batchLength}'s count starts: baseOffset + batchLength ({@code Records.LOG_OVERHEAD}). */
    static final int LOG_OVERHEAD = 12;
    private static final int LENGTH_OFFSET = 8;
    private static final int MAGIC_OFFSET = 16;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int MAX_TIMESTAMP_OFFSET = 35;

    /** The byte position after this batch: the next batch's position. */
    long nextPosition() {
        return position + sizeInBytes;
    }

    /**
     * Parses the header at {@code buffer[at, at + SIZE)} (absolute indexes; the buffer's position is not moved).
     *
     * @param position   the header's position in the object (for the result and for messages)
     * @param objectSize the object's size: a batch may not extend past it
     * @return the header, or empty with the reason in {@code problem[0]} if it cannot be a valid v2 batch header
     */
    static Optional<BatchHeader> parse(ByteBuffer buffer, int at, long position, long objectSize, String[] problem) {
        byte magic = buffer.get(at + MAGIC_OFFSET);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            problem[0] = "record batch magic " + magic + " is not " + RecordBatch.MAGIC_VALUE_V2;
            return Optional.empty();
        }
        int batchLength = buffer.getInt(at + LENGTH_OFFSET);
        long size = LOG_OVERHEAD + (long) batchLength;
        if (size < SIZE || position + size > objectSize) {
            problem[0] = "record batch size " + size + " does not fit between the header size " + SIZE
                + " and the object's end at " + objectSize;
            return Optional.empty();
        }
        int lastOffsetDelta = buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET);
        if (lastOffsetDelta < 0) {
            problem[0] = "negative lastOffsetDelta " + lastOffsetDelta;
            return Optional.empty();
        }
        long baseOffset = buffer.getLong(at);
        return Optional.of(new BatchHeader(position, baseOffset, baseOffset + lastOffsetDelta, (int) size,
            buffer.getLong(at + MAX_TIMESTAMP_OFFSET)));
    }
}
