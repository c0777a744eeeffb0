package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns a failed {@link OffsetStore} write into the error a client gets, as Kafka maps failed
 * {@code __consumer_offsets} appends ({@code GroupCoordinatorService}): clients retry COORDINATOR_NOT_AVAILABLE and
 * look the coordinator up again after NOT_COORDINATOR.
 */
final class StoreErrors {
    private StoreErrors() {
    }

    /**
     * @param failure  the write's failure
     * @param isCommit whether the write was an OffsetCommit (too-large records map to INVALID_COMMIT_OFFSET_SIZE)
     */
    static Errors toClientError(Throwable failure, boolean isCommit) {
        return toClientError(Errors.forException(unwrap(failure)), isCommit);
    }

    static Errors toClientError(Errors error, boolean isCommit) {
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE ->
                    isCommit ? Errors.INVALID_COMMIT_OFFSET_SIZE : Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
