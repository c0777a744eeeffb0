package io.sluice.broker.http;

import org.apache.kafka.common.protocol.Errors;

/**
 * A request the HTTP API refuses, carrying everything its JSON error body needs (see {@link ErrorResponse}).
 *
 * <p>Thrown by route handlers for problems found before Kafka is involved (malformed JSON or parameters, an unknown
 * cluster, topic or partition in the path). Errors raised by Kafka components travel as Kafka's own exceptions and
 * are mapped by {@link ErrorMapper} instead.
 */
public final class HttpApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Malformed JSON, a missing or malformed field or parameter. */
    public static final int MALFORMED_REQUEST = 40001;
    /** Well-formed, but Kafka's validation rejects it (invalid config, replication factor, record, ...). */
    public static final int INVALID_REQUEST = 40002;
    /** No route matches the path. */
    public static final int ROUTE_NOT_FOUND = 40400;
    /** The topic does not exist. */
    public static final int TOPIC_NOT_FOUND = 40401;
    /** The topic exists but the partition does not. */
    public static final int PARTITION_NOT_FOUND = 40402;
    /** {@code {cluster_id}} is neither this cluster's id nor {@code local}. */
    public static final int CLUSTER_NOT_FOUND = 40403;
    /** No live broker with that id, or the broker is not a replica of the partition. */
    public static final int BROKER_NOT_FOUND = 40404;
    /** The topic has no config of that name. */
    public static final int CONFIG_NOT_FOUND = 40405;
    /** The consumer group does not exist (Kafka's GROUP_ID_NOT_FOUND). */
    public static final int GROUP_NOT_FOUND = 40406;
    /**
     * The consumer group has no committed offset where one is needed: lag of a group without commits, or the next
     * records of a partition without a commit and {@code auto_offset_reset=none}.
     */
    public static final int NO_COMMITTED_OFFSET = 40407;
    /** The consumer group has no member with that consumer id. */
    public static final int CONSUMER_NOT_FOUND = 40408;
    /** The route exists but not for this HTTP method. */
    public static final int METHOD_NOT_ALLOWED = 40501;
    /** The topic already exists. */
    public static final int TOPIC_EXISTS = 40901;
    /**
     * Offsets committed from outside a consumer group while it has active members (Kafka accepts such commits only
     * for an empty group and answers UNKNOWN_MEMBER_ID).
     */
    public static final int GROUP_HAS_MEMBERS = 40902;
    /** A record batch is larger than the topic's {@code max.message.bytes}. */
    public static final int RECORD_TOO_LARGE = 41301;
    /** The request body is larger than the HTTP API accepts ({@link HttpApiSettings#maxRequestBytes()}). */
    public static final int REQUEST_TOO_LARGE = 41302;
    /** The fetch offset lies outside [log start offset, log end offset]. */
    public static final int OFFSET_OUT_OF_RANGE = 41601;
    /** An unexpected server-side failure. */
    public static final int SERVER_ERROR = 50001;
    /** A retriable Kafka error (not enough replicas, timeout, leader moved, etcd unreachable). */
    public static final int RETRIABLE = 50301;

    private final int status;
    private final int errorCode;
    private final Errors kafkaError;

    /**
     * @param status     the HTTP status
     * @param errorCode  the Confluent-style code, {@code status * 100 + n}
     * @param kafkaError the matching Kafka error, or null when none fits
     * @param message    a human-readable explanation
     */
    public HttpApiException(int status, int errorCode, Errors kafkaError, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.kafkaError = kafkaError;
    }

    /** A 400 for malformed input, with Kafka's INVALID_REQUEST. */
    public static HttpApiException malformed(String message) {
        return new HttpApiException(400, MALFORMED_REQUEST, Errors.INVALID_REQUEST, message);
    }

    /** A 404 for a topic that does not exist (UNKNOWN_TOPIC_OR_PARTITION). */
    public static HttpApiException topicNotFound(String topic) {
        return new HttpApiException(404, TOPIC_NOT_FOUND, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "topic '" + topic + "' does not exist");
    }

    /** A 404 for a partition index outside the topic's partitions (UNKNOWN_TOPIC_OR_PARTITION). */
    public static HttpApiException partitionNotFound(String topic, int partition, int partitionCount) {
        return new HttpApiException(404, PARTITION_NOT_FOUND, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "topic '" + topic + "' has no partition " + partition + " (it has " + partitionCount + ")");
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** @return the Kafka error, or null */
    public Errors kafkaError() {
        return kafkaError;
    }

    /** @return the JSON body for this error */
    public ErrorResponse toResponse() {
        return ErrorResponse.of(errorCode, kafkaError, getMessage());
    }
}
