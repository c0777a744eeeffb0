package io.sluice.storage.validation;

import io.sluice.storage.AppendOrigin;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;

/**
 * The batch-level checks every append gets before anything is written, as Kafka's
 * {@code UnifiedLog.analyzeAndValidateRecords}. Reads batch headers only; never decompresses.
 *
 * <p>Errors (each a Kafka exception that {@code Errors.forException} maps to the listed code):
 * <ul>
 *   <li>a batch whose magic is not 2: {@link InvalidRecordException} (INVALID_RECORD; Kafka 4 accepts only v2
 *       record batches in Produce v3+, KIP-724);</li>
 *   <li>a producer batch whose base offset is not 0: {@link InvalidRecordException} (INVALID_RECORD);</li>
 *   <li>a batch larger than {@code max.message.bytes} (leader appends only): {@link RecordTooLargeException}
 *       (MESSAGE_TOO_LARGE);</li>
 *   <li>a CRC mismatch, a size field smaller than a record header, or an unknown magic byte:
 *       {@link CorruptRecordException} (CORRUPT_MESSAGE);</li>
 *   <li>follower batches whose offsets do not strictly increase: {@link OffsetsOutOfOrderException}.</li>
 * </ul>
 * Bytes after the last complete batch are dropped, as Kafka's {@code trimInvalidBytes} does.
 */
public final class RecordsAnalyzer {
    private RecordsAnalyzer() {
    }

    /**
     * Checks {@code records}.
     *
     * @param maxMessageBytes the topic's {@code max.message.bytes}, or a negative value to skip the size check
     *                        (follower appends: the leader already checked against its config)
     */
    public static AnalyzedRecords analyze(MemoryRecords records, TopicPartition topicPartition, AppendOrigin origin,
                                          int maxMessageBytes) {
        int validBytes = 0;
        int batchCount = 0;
        long firstOffset = -1L;
        long lastOffset = -1L;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new InvalidRecordException("Only record batches with magic v2 can be appended to "
                    + topicPartition + ", found magic " + batch.magic());
            }
            if (origin == AppendOrigin.CLIENT && batch.baseOffset() != 0) {
                throw new InvalidRecordException("The baseOffset of the record batch in the append to "
                    + topicPartition + " should be 0, but it is " + batch.baseOffset());
            }
            if (origin == AppendOrigin.REPLICATION && batchCount > 0 && batch.baseOffset() <= lastOffset) {
                throw new OffsetsOutOfOrderException("Out of order offsets found in append to " + topicPartition
                    + ": batch at " + batch.baseOffset() + " follows a batch ending at " + lastOffset);
            }
            int batchSize = batch.sizeInBytes();
            if (maxMessageBytes >= 0 && batchSize > maxMessageBytes) {
                throw new RecordTooLargeException("The record batch size in the append to " + topicPartition + " is "
                    + batchSize + " bytes which exceeds the maximum configured value of " + maxMessageBytes + ".");
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("Record is corrupt (stored crc = " + batch.checksum()
                    + ") in topic partition " + topicPartition + ".");
            }
            if (batchCount == 0) {
                firstOffset = batch.baseOffset();
            }
            lastOffset = batch.lastOffset();
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            validBytes += batchSize;
            batchCount++;
        }
        MemoryRecords valid = records;
        if (validBytes != records.sizeInBytes()) {
            ByteBuffer trimmed = records.buffer().duplicate();
            trimmed.limit(trimmed.position() + validBytes);
            valid = MemoryRecords.readableRecords(trimmed.slice());
        }
        return new AnalyzedRecords(valid, firstOffset, lastOffset, validBytes, batchCount, maxTimestamp);
    }
}
