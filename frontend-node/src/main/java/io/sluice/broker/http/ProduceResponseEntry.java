package io.sluice.broker.http;

import java.time.Instant;

/**
 * The outcome of producing one record, as Confluent REST Proxy v3's {@code ProduceResponse}.
 *
 * <p>Success: {@code {"error_code": 200, "cluster_id", "topic_name", "partition_id", "offset", "timestamp", "key":
 * {"type", "size"}, "value": {"type", "size"}}}, where {@code offset} is the record's offset in the partition and
 * {@code timestamp} its ISO-8601 timestamp (the CreateTime, or the broker's LogAppendTime when the topic uses it);
 * {@code key}/{@code value} are left out when null. Failure: {@code error_code} (see {@link HttpApiException}),
 * {@code kafka_error_code}, {@code kafka_error} and {@code message}, with the partition the record was meant for.
 */
public record ProduceResponseEntry(int errorCode, String clusterId, String topicName, Integer partitionId, Long offset,
                                   String timestamp, Size key, Size value, Integer kafkaErrorCode, String kafkaError,
                                   String message) {

    /** The format and stored size in bytes of a produced key or value. */
    public record Size(EmbeddedFormat type, int size) {
        static Size of(TypedData data) {
            return data.bytes() == null ? null : new Size(data.format(), data.size());
        }
    }

    static ProduceResponseEntry success(String clusterId, String topic, int partition, long offset, long timestampMs,
                                        TypedData key, TypedData value) {
        return new ProduceResponseEntry(200, clusterId, topic, partition, offset,
                Instant.ofEpochMilli(timestampMs).toString(), Size.of(key), Size.of(value), null, null, null);
    }

    static ProduceResponseEntry failure(String clusterId, String topic, int partition, HttpApiException error) {
        ErrorResponse body = error.toResponse();
        return new ProduceResponseEntry(error.errorCode(), clusterId, topic, partition, null, null, null, null,
                body.kafkaErrorCode(), body.kafkaError(), body.message());
    }

    /** @return true if the record was appended */
    boolean succeeded() {
        return errorCode == 200;
    }
}
