package io.sluice.storage.producer;

/**
 * What is remembered of one appended batch of an idempotent producer (Kafka's {@code BatchMetadata}): enough to
 * recognise a retry of it and answer with its original offsets.
 *
 * @param lastSeq     sequence number of the batch's last record
 * @param lastOffset  offset of the batch's last record
 * @param offsetDelta {@code lastOffset - firstOffset} (record count - 1)
 * @param timestamp   the batch's max timestamp, ms
 */
public record BatchMetadata(int lastSeq, long lastOffset, int offsetDelta, long timestamp) {
    /** Sequence number of the first record; sequences wrap from {@link Integer#MAX_VALUE} to 0. */
    public int firstSeq() {
        return decrementSequence(lastSeq, offsetDelta);
    }

    /** Offset of the first record. */
    public long firstOffset() {
        return lastOffset - offsetDelta;
    }

    static int decrementSequence(int sequence, int decrement) {
        if (sequence < decrement) {
            return Integer.MAX_VALUE - (decrement - sequence) + 1;
        }
        return sequence - decrement;
    }
}
