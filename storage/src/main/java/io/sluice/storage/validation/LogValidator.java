package io.sluice.storage.validation;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

import java.util.Iterator;

/**
 * Validates a producer's batch and assigns its offsets in place, as Kafka's {@code LogValidator} does for v2
 * batches when no format conversion or recompression is needed: the records are never re-encoded, so the
 * compressed payload is stored exactly as the producer sent it.
 *
 * <p>What is changed in the batch buffer (with {@link MutableRecordBatch} setters, which keep the CRC right):
 * the base offset (via {@code setLastOffset}), the partition leader epoch (both outside the CRC), and the
 * timestamp type and max timestamp (CRC recomputed only if they change): broker time for {@code LogAppendTime}
 * topics, the largest record timestamp for {@code CreateTime} topics.
 *
 * <p>Checks, and the Kafka exception each raises:
 * <ul>
 *   <li>exactly one batch (Produce v3+ rule): {@link InvalidRecordException} (INVALID_RECORD);</li>
 *   <li>{@code lastOffsetDelta + 1} equals the record count, the count is positive, the records really number
 *       that many and their offset deltas are 0, 1, 2, …: {@link InvalidRecordException};</li>
 *   <li>no control batches, no transactional batches (Sluice has no transaction coordinator), a non-negative
 *       base sequence when a producer id is set: {@link InvalidRecordException};</li>
 *   <li>for {@code CreateTime} topics every record timestamp within
 *       {@code [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]}, and no batch
 *       claiming {@code LogAppendTime}: {@link InvalidTimestampException} (INVALID_TIMESTAMP).</li>
 * </ul>
 * Records of compressed batches are read with the streaming iterator that skips keys and values
 * ({@code skipKeyValueIterator}), as Kafka does.
 *
 * <p>Stateless and thread-safe; it mutates the buffer of the records passed in.
 */
public final class LogValidator {
    private LogValidator() {
    }

    /**
     * Validates the single batch of {@code records} and assigns offsets starting at {@code firstOffset}.
     *
     * @param records              one v2 batch whose base offset is 0 (checked by {@link RecordsAnalyzer})
     * @param firstOffset          offset to give the first record (the log end offset)
     * @param partitionLeaderEpoch leader epoch to stamp on the batch
     * @param nowMs                broker time, ms
     * @param timestampType        the topic's {@code message.timestamp.type}
     * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}
     * @param timestampAfterMaxMs  {@code message.timestamp.after.max.ms}
     */
    public static ValidationResult validateAndAssignOffsets(MemoryRecords records, TopicPartition topicPartition,
                                                            long firstOffset, int partitionLeaderEpoch, long nowMs,
                                                            TimestampType timestampType, long timestampBeforeMaxMs,
                                                            long timestampAfterMaxMs) {
        MutableRecordBatch batch = singleBatch(records, topicPartition);
        int count = validateBatchHeader(batch, topicPartition);
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            throw new InvalidTimestampException("Invalid timestamp type in batch for " + topicPartition
                + ". Producer should not set timestamp type to LogAppendTime.");
        }
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int indexOfMaxTimestamp = -1;
        int index = 0;
        try (CloseableIterator<Record> iterator = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (iterator.hasNext()) {
                Record record = iterator.next();
                if (record.offset() != batch.baseOffset() + index) {
                    throw new InvalidRecordException("Invalid offset delta " + (record.offset() - batch.baseOffset())
                        + " of record " + index + " in the batch for " + topicPartition + ", expected " + index);
                }
                if (timestampType == TimestampType.CREATE_TIME && record.timestamp() != RecordBatch.NO_TIMESTAMP) {
                    checkTimestamp(record, index, nowMs, timestampBeforeMaxMs, timestampAfterMaxMs, topicPartition);
                }
                if (record.timestamp() > maxTimestamp) {
                    maxTimestamp = record.timestamp();
                    indexOfMaxTimestamp = index;
                }
                index++;
            }
        } catch (ApiException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidRecordException("Cannot read the records of the batch for " + topicPartition + ": "
                + e.getMessage(), e);
        }
        if (index != count) {
            throw new InvalidRecordException("Batch for " + topicPartition + " declares " + count
                + " records but holds " + index);
        }

        long lastOffset = firstOffset + count - 1;
        batch.setLastOffset(lastOffset);
        batch.setPartitionLeaderEpoch(partitionLeaderEpoch);
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
            return new ValidationResult(firstOffset, lastOffset, count, nowMs, firstOffset, nowMs);
        }
        batch.setMaxTimestamp(TimestampType.CREATE_TIME, maxTimestamp);
        long offsetOfMax = indexOfMaxTimestamp < 0 ? -1L : firstOffset + indexOfMaxTimestamp;
        return new ValidationResult(firstOffset, lastOffset, count, maxTimestamp, offsetOfMax, RecordBatch.NO_TIMESTAMP);
    }

    private static MutableRecordBatch singleBatch(MemoryRecords records, TopicPartition topicPartition) {
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        if (!batches.hasNext()) {
            throw new InvalidRecordException("Produce request for " + topicPartition + " has no record batch");
        }
        MutableRecordBatch batch = batches.next();
        if (batches.hasNext()) {
            throw new InvalidRecordException("Produce request for " + topicPartition
                + " must carry exactly one record batch, found more");
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Only magic v2 record batches are accepted, found magic " + batch.magic());
        }
        return batch;
    }

    /** Header checks of Kafka's {@code LogValidator.validateBatch}; returns the record count. */
    private static int validateBatchHeader(RecordBatch batch, TopicPartition topicPartition) {
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (countFromOffsets <= 0) {
            throw new InvalidRecordException("Batch has an invalid offset range: [" + batch.baseOffset() + ", "
                + batch.lastOffset() + "] in topic partition " + topicPartition);
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0) {
            throw new InvalidRecordException("Invalid reported count for record batch: " + count
                + " in topic partition " + topicPartition);
        }
        if (countFromOffsets != count) {
            throw new InvalidRecordException("Inconsistent batch offset range [" + batch.baseOffset() + ", "
                + batch.lastOffset() + "] and count of records " + count + " in topic partition " + topicPartition);
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients are not allowed to write control records in topic partition "
                + topicPartition);
        }
        if (batch.isTransactional()) {
            throw new InvalidRecordException("Transactional record batches are not supported (topic partition "
                + topicPartition + ")");
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new InvalidRecordException("Invalid sequence number " + batch.baseSequence()
                + " in record batch with producerId " + batch.producerId() + " in topic partition " + topicPartition);
        }
        return count;
    }

    private static void checkTimestamp(Record record, int index, long nowMs, long beforeMaxMs, long afterMaxMs,
                                       TopicPartition topicPartition) {
        long difference = nowMs - record.timestamp();
        if (difference > beforeMaxMs || -difference > afterMaxMs) {
            throw new InvalidTimestampException("Timestamp " + record.timestamp() + " of record " + index
                + " in the batch for " + topicPartition + " is out of range. The timestamp should be within ["
                + saturatingSubtract(nowMs, beforeMaxMs) + ", " + saturatingAdd(nowMs, afterMaxMs) + "]");
        }
    }

    private static long saturatingSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
