package io.sluice.storage.validation;

import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Shallow facts about records about to be appended, from {@link RecordsAnalyzer}.
 *
 * @param records      the input trimmed to its complete batches (trailing partial bytes dropped, as Kafka does)
 * @param firstOffset  base offset of the first batch as sent (0 for producer batches; -1 if there are no batches)
 * @param lastOffset   last offset of the last batch as sent (-1 if there are no batches)
 * @param validBytes   size of {@code records} in bytes
 * @param batchCount   number of batches
 * @param maxTimestamp largest batch max timestamp as sent, ms (-1 if none)
 */
public record AnalyzedRecords(MemoryRecords records, long firstOffset, long lastOffset, int validBytes,
                              int batchCount, long maxTimestamp) {
    public boolean isEmpty() {
        return batchCount == 0;
    }
}
