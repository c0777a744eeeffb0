package io.sluice.broker.partition;

import org.apache.kafka.common.protocol.Errors;

/**
 * The outcome of appending one partition's records.
 *
 * @param error            NONE or the Kafka error for this partition
 * @param errorMessage     a human-readable detail, or null
 * @param baseOffset       offset assigned to the first record (-1 on error)
 * @param logAppendTimeMs  the broker time stamped on the batch when the topic uses LogAppendTime, else -1
 * @param logStartOffset   the partition's log start offset after the append (-1 on error)
 */
public record ProduceResult(Errors error, String errorMessage, long baseOffset, long logAppendTimeMs, long logStartOffset) {
    public static ProduceResult failed(Errors error, String message) {
        return new ProduceResult(error, message, -1L, -1L, -1L);
    }

    public static ProduceResult failed(Throwable cause) {
        Errors error = Errors.forException(cause);
        return failed(error, error == Errors.UNKNOWN_SERVER_ERROR ? null : cause.getMessage());
    }
}
