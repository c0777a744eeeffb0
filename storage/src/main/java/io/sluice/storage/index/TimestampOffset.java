package io.sluice.storage.index;

import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One {@link TimeIndex} entry: the largest timestamp (ms) seen in the segment up to some batch, and the last
 * offset of the batch holding that timestamp ("shallow" offset, as Kafka stores it).
 *
 * @param timestamp epoch milliseconds, or {@link RecordBatch#NO_TIMESTAMP} (-1) when unknown
 * @param offset    absolute offset
 */
public record TimestampOffset(long timestamp, long offset) {
    /** No timestamp seen yet. */
    public static final TimestampOffset UNKNOWN = new TimestampOffset(RecordBatch.NO_TIMESTAMP, -1L);
}
