package io.sluice.broker.http;

import org.apache.kafka.common.protocol.Errors;

/**
 * The JSON body of every error the HTTP API returns:
 * <pre>{"error_code": 40401, "kafka_error_code": 3, "kafka_error": "UNKNOWN_TOPIC_OR_PARTITION", "message": "..."}</pre>
 * {@code error_code} is the HTTP status times 100 plus a number that tells causes apart (the convention of Confluent
 * REST Proxy; the codes are listed in {@link HttpApiException}). {@code kafka_error_code} and {@code kafka_error} are
 * Kafka's {@link Errors#code()} and enum name; both are left out when no Kafka error fits (an unknown route).
 *
 * @param errorCode      HTTP status * 100 + n
 * @param kafkaErrorCode Kafka's error code, or null
 * @param kafkaError     Kafka's error name, or null
 * @param message        a human-readable explanation
 */
public record ErrorResponse(int errorCode, Integer kafkaErrorCode, String kafkaError, String message) {

    static ErrorResponse of(int errorCode, Errors error, String message) {
        return new ErrorResponse(errorCode, error == null ? null : (int) error.code(),
                error == null ? null : error.name(), message);
    }
}
