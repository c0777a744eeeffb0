package io.sluice.storage.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * Result of {@link PartitionLog#read}.
 *
 * @param fetchOffset the offset the read started from
 * @param records     whole record batches: a zero-copy {@code FileRecords} slice of one segment file (send it
 *                    with {@code writeTo}, i.e. sendfile), or {@code MemoryRecords.EMPTY}. The first batch may
 *                    start below {@code fetchOffset} (the batch containing it); clients skip those records.
 */
public record FetchDataInfo(long fetchOffset, Records records) {
    public boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }
}
