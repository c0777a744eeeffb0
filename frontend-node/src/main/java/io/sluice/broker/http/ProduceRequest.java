package io.sluice.broker.http;

import java.util.List;

/**
 * A decoded produce request.
 *
 * @param records   the records in request order (at least one)
 * @param batch     true for the {@code {"records": [...]}} form, answered with {@code {"results": [...]}}; false for
 *                  one record (a Confluent single-record body or a binary body), answered with one result object
 * @param acks      0, 1 or -1 (all), as the Kafka producer's {@code acks}
 * @param timeoutMs how long an acks=all append may wait for the ISR, in milliseconds (Kafka's produce
 *                  {@code timeout_ms})
 */
public record ProduceRequest(List<ProduceRecord> records, boolean batch, short acks, int timeoutMs) {
    public ProduceRequest {
        records = List.copyOf(records);
    }
}
