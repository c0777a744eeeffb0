package io.sluice.tiering.read;

import io.sluice.tiering.objectstore.ObjectNotFoundException;
import io.sluice.tiering.objectstore.ObjectStoreException;

import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * The object store failed to return an object of a remote segment (throttled, down, access denied, or the object is
 * gone). The cause is always the store's {@link ObjectStoreException}, so the caller can tell the cases apart:
 * {@link #isObjectNotFound()} means the segment was most likely deleted by retention meanwhile, and the broker should
 * re-check its remote log metadata (and answer {@code OFFSET_OUT_OF_RANGE} if the offset is now below the log start
 * offset) instead of reporting a storage error.
 *
 * <p>A {@link KafkaStorageException}, so {@code Errors.forException} maps it to {@code KAFKA_STORAGE_ERROR}, a
 * retriable error after which Kafka clients refresh metadata and fetch again: the right answer for a passing object
 * store outage. Corrupt data is reported differently, with
 * {@link org.apache.kafka.common.errors.CorruptRecordException} ({@code CORRUPT_MESSAGE}).
 */
public class RemoteObjectReadException extends KafkaStorageException {

    private static final long serialVersionUID = 1L;

    private final String objectKey;

    /**
     * @param objectKey the key of the object that could not be read
     * @param cause     the store's failure
     */
    public RemoteObjectReadException(String objectKey, ObjectStoreException cause) {
        super("Cannot read remote object " + objectKey + ": " + cause.getMessage(), cause);
        this.objectKey = objectKey;
    }

    /** The key of the object that could not be read. */
    public String objectKey() {
        return objectKey;
    }

    /** The store's failure. */
    public ObjectStoreException objectStoreError() {
        return (ObjectStoreException) getCause();
    }

    /** Whether the object does not exist (HTTP 404): the segment was probably deleted by retention meanwhile. */
    public boolean isObjectNotFound() {
        return getCause() instanceof ObjectNotFoundException;
    }

    /** Whether the store's failure may go away when tried again (throttling, 5xx, timeouts, connections). */
    public boolean isStoreErrorRetriable() {
        return objectStoreError().isRetriable();
    }
}
