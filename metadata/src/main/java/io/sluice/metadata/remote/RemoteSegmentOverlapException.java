package io.sluice.metadata.remote;

import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * A remote segment could not be registered because its offset range starts at or below the partition's highest
 * registered offset ({@link RemoteLogState#highestOffset()}), so it would overlap (or re-register) remote data. The
 * caller deletes the objects it uploaded. A subclass of Kafka's {@link InvalidRequestException}, so
 * {@code Errors.forException} maps it to INVALID_REQUEST; callers tell it apart by its type.
 */
public class RemoteSegmentOverlapException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    private final long highestOffset;

    public RemoteSegmentOverlapException(String message, long highestOffset) {
        super(message);
        this.highestOffset = highestOffset;
    }

    /** The partition's highest registered offset at the time of the rejection. */
    public long highestOffset() {
        return highestOffset;
    }
}
