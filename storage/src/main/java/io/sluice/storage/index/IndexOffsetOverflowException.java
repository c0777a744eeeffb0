package io.sluice.storage.index;

import org.apache.kafka.common.KafkaException;

/**
 * An offset cannot be stored in an index because {@code offset - baseOffset} does not fit in a non-negative
 * 4-byte int. The log rolls a new segment before this can happen, so seeing it means a bug.
 */
public class IndexOffsetOverflowException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public IndexOffsetOverflowException(String message) {
        super(message);
    }
}
