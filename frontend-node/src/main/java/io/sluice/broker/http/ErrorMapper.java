package io.sluice.broker.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.HttpResponseException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns any failure of a request into an {@link HttpApiException}, i.e. an HTTP status and the JSON error body.
 *
 * <p>Kafka exceptions are classified once with {@link Errors#forException}, as Kafka's own request handlers do:
 * <ul>
 *   <li>UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID: 404 (40401)</li>
 *   <li>GROUP_ID_NOT_FOUND: 404 (40406)</li>
 *   <li>TOPIC_ALREADY_EXISTS: 409 (40901)</li>
 *   <li>MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE: 413 (41301)</li>
 *   <li>OFFSET_OUT_OF_RANGE: 416 (41601)</li>
 *   <li>INVALID_REQUEST: 400 (40001); UNKNOWN_SERVER_ERROR: 500 (50001)</li>
 *   <li>TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED: 403</li>
 *   <li>any other retriable error (NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER,
 *       LEADER_NOT_AVAILABLE, KAFKA_STORAGE_ERROR, ...): 503 (50301)</li>
 *   <li>any other error (INVALID_CONFIG, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_TOPIC_EXCEPTION,
 *       INVALID_RECORD, POLICY_VIOLATION, ...): 400 (40002)</li>
 * </ul>
 * Javalin's own responses (no route: 404, wrong method: 405, body over Javalin's limit: 413) keep their status.
 * Unexpected exceptions become a 500 and are logged; malformed input never does.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    /** @return the HTTP error for {@code failure}, unwrapping {@link CompletionException}s */
    public static HttpApiException toHttp(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof HttpApiException api) {
            return api;
        }
        if (cause instanceof HttpResponseException javalin) {
            return fromJavalin(javalin);
        }
        if (cause instanceof JsonProcessingException json) {
            return HttpApiException.malformed("malformed JSON: " + json.getOriginalMessage());
        }
        Errors error = Errors.forException(cause);
        if (error == Errors.UNKNOWN_SERVER_ERROR) {
            LOG.error("HTTP request failed unexpectedly", cause);
        }
        String message = cause.getMessage() == null || error == Errors.UNKNOWN_SERVER_ERROR
                ? error.message() : cause.getMessage();
        return fromKafka(error, message);
    }

    /** @return the HTTP error for a Kafka error code reported in a result (not thrown) */
    public static HttpApiException fromKafka(Errors error, String message) {
        String text = message == null ? error.message() : message;
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID ->
                    new HttpApiException(404, HttpApiException.TOPIC_NOT_FOUND, error, text);
            case GROUP_ID_NOT_FOUND -> new HttpApiException(404, HttpApiException.GROUP_NOT_FOUND, error, text);
            case TOPIC_ALREADY_EXISTS -> new HttpApiException(409, HttpApiException.TOPIC_EXISTS, error, text);
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE ->
                    new HttpApiException(413, HttpApiException.RECORD_TOO_LARGE, error, text);
            case OFFSET_OUT_OF_RANGE -> new HttpApiException(416, HttpApiException.OFFSET_OUT_OF_RANGE, error, text);
            case INVALID_REQUEST -> new HttpApiException(400, HttpApiException.MALFORMED_REQUEST, error, text);
            case UNKNOWN_SERVER_ERROR -> new HttpApiException(500, HttpApiException.SERVER_ERROR, error, text);
            case TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED ->
                    new HttpApiException(403, 40301, error, text);
            default -> error.exception() instanceof RetriableException
                    ? new HttpApiException(503, HttpApiException.RETRIABLE, error, text)
                    : new HttpApiException(400, HttpApiException.INVALID_REQUEST, error, text);
        };
    }

    private static HttpApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 404 -> new HttpApiException(404, HttpApiException.ROUTE_NOT_FOUND, null, "no such resource");
            case 405 -> new HttpApiException(405, HttpApiException.METHOD_NOT_ALLOWED, null,
                    "method not allowed on this resource");
            case 413 -> new HttpApiException(413, HttpApiException.REQUEST_TOO_LARGE, Errors.INVALID_REQUEST,
                    e.getMessage());
            default -> new HttpApiException(status, status * 100 + 1, status >= 500 ? Errors.UNKNOWN_SERVER_ERROR
                    : Errors.INVALID_REQUEST, e.getMessage());
        };
    }

    /** @return the cause inside any {@link CompletionException} and {@link ExecutionException} wrappers */
    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
