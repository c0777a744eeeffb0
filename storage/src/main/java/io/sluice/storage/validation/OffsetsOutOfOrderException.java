package io.sluice.storage.validation;

import org.apache.kafka.common.errors.ApiException;

/**
 * Batches appended by a follower do not have strictly increasing offsets (Kafka's storage exception of the same
 * name). Only seen by the replication fetcher; Kafka's protocol maps it to UNKNOWN_SERVER_ERROR.
 */
public class OffsetsOutOfOrderException extends ApiException {
    private static final long serialVersionUID = 1L;

    public OffsetsOutOfOrderException(String message) {
        super(message);
    }
}
