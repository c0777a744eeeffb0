package io.sluice.storage.producer;

import org.apache.kafka.common.KafkaException;

/**
 * A producer snapshot file has an unknown version, a bad CRC or a truncated body. The loader deletes such a
 * file and falls back to an older snapshot or to replaying the log; it never reaches a client.
 */
public class CorruptSnapshotException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public CorruptSnapshotException(String message) {
        super(message);
    }
}
