package io.sluice.metadata;

/**
 * A range of producer ids reserved for one broker (Kafka's {@code ProducerIdsBlock}, KIP-730).
 *
 * @param firstProducerId the first id of the block (inclusive), {@code >= 0}
 * @param size            the number of ids, {@code > 0}; ids run from {@code firstProducerId} to
 *                        {@link #lastProducerId()} inclusive
 */
public record ProducerIdBlock(long firstProducerId, int size) {

    /** Kafka's block size ({@code ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE}). */
    public static final int DEFAULT_BLOCK_SIZE = 1000;

    public ProducerIdBlock {
        if (firstProducerId < 0) {
            throw new IllegalArgumentException("firstProducerId must be >= 0, got " + firstProducerId);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
        if (firstProducerId > Long.MAX_VALUE - size) {
            throw new IllegalArgumentException("block overflows the producer id space");
        }
    }

    /** The last id of the block (inclusive). */
    public long lastProducerId() {
        return firstProducerId + size - 1;
    }

    /** The first id after this block (exclusive end). */
    public long nextBlockFirstId() {
        return firstProducerId + size;
    }
}
