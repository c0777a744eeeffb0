package io.sluice.storage.log;

/**
 * Result of an append, what a Produce response needs (Kafka's {@code LogAppendInfo}).
 *
 * @param firstOffset          first offset of the appended records (inclusive); -1 if nothing was appended
 * @param lastOffset           last offset of the appended records (inclusive); -1 if nothing was appended
 * @param maxTimestamp         largest timestamp of the appended records, ms (-1 if none)
 * @param offsetOfMaxTimestamp first offset carrying {@code maxTimestamp} (-1 if none)
 * @param logAppendTime        broker timestamp stamped on the batch for {@code LogAppendTime} topics, else -1
 * @param logStartOffset       the log start offset after the append
 * @param validBytes           bytes appended (for a duplicate: the size of the retried batch)
 * @param numRecords           records appended (for a duplicate: records in the retried batch)
 * @param duplicate            true if the batch was a retry of one of the producer's last five batches; it was
 *                             not appended again and the offsets are those of the original append
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp,
                            long logAppendTime, long logStartOffset, int validBytes, int numRecords,
                            boolean duplicate) {
}
