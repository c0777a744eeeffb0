package io.sluice.storage.validation;

/**
 * Outcome of {@link LogValidator#validateAndAssignOffsets}: the offsets the batch now carries and its
 * timestamps.
 *
 * @param firstOffset          first offset assigned (inclusive)
 * @param lastOffset           last offset assigned (inclusive)
 * @param numRecords           records in the batch
 * @param maxTimestamp         the batch's max timestamp after validation, ms (-1 if no record has one)
 * @param offsetOfMaxTimestamp first offset holding {@code maxTimestamp} (-1 if none)
 * @param logAppendTime        the broker time stamped on the batch for {@code LogAppendTime} topics, else -1
 */
public record ValidationResult(long firstOffset, long lastOffset, int numRecords, long maxTimestamp,
                               long offsetOfMaxTimestamp, long logAppendTime) {
}
