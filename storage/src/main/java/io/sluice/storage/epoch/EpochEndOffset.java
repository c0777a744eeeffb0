package io.sluice.storage.epoch;

/**
 * Answer of {@link LeaderEpochCache#endOffsetFor}: the largest known epoch at most the requested one and the
 * end offset (exclusive) of that epoch, as returned in an OffsetForLeaderEpoch response (KIP-101/KIP-279).
 *
 * @param epoch     the epoch found, or {@link #UNDEFINED_EPOCH} (-1)
 * @param endOffset the first offset after that epoch (exclusive end), or {@link #UNDEFINED_EPOCH_OFFSET} (-1)
 */
public record EpochEndOffset(int epoch, long endOffset) {
    /** Kafka's {@code UNDEFINED_EPOCH}. */
    public static final int UNDEFINED_EPOCH = -1;
    /** Kafka's {@code UNDEFINED_EPOCH_OFFSET}. */
    public static final long UNDEFINED_EPOCH_OFFSET = -1L;
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
}
