package io.sluice.storage.index;

import org.apache.kafka.common.KafkaException;

/**
 * An index file failed its sanity check (bad length, entries out of order, positions past the end of the log).
 * Raised while loading a log; the loader answers it by rebuilding the index from the {@code .log} file, so it
 * never reaches a client.
 */
public class CorruptIndexException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public CorruptIndexException(String message) {
        super(message);
    }
}
