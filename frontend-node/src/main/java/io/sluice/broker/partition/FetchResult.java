package io.sluice.broker.partition;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * One partition's share of a fetch.
 *
 * @param error           NONE or the Kafka error for this partition
 * @param highWatermark   the partition's high watermark (exclusive: offsets below it are committed), -1 on error
 * @param logStartOffset  the partition's log start offset, -1 on error
 * @param logEndOffset    the leader's log end offset (exclusive), -1 on error
 * @param records         whole record batches starting at or before the fetch offset (a zero-copy file slice or
 *                        {@link MemoryRecords#EMPTY})
 */
public record FetchResult(Errors error, long highWatermark, long logStartOffset, long logEndOffset, Records records) {
    public static FetchResult failed(Errors error) {
        return new FetchResult(error, -1L, -1L, -1L, MemoryRecords.EMPTY);
    }

    public static FetchResult failed(Throwable cause) {
        return failed(Errors.forException(cause));
    }

    /** @return bytes of records carried */
    public int sizeInBytes() {
        return records.sizeInBytes();
    }
}
