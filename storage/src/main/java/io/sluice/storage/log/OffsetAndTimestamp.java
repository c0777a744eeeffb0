package io.sluice.storage.log;

/**
 * A ListOffsets answer.
 *
 * @param offset      the offset found
 * @param timestamp   its record timestamp, ms (-1 when not applicable)
 * @param leaderEpoch leader epoch of the batch holding it, or -1 if unknown
 */
public record OffsetAndTimestamp(long offset, long timestamp, int leaderEpoch) {
}
