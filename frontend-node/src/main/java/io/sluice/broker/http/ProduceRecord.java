package io.sluice.broker.http;

import org.apache.kafka.common.header.Header;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One record a client asked to produce, decoded but not yet placed in a partition.
 *
 * @param partition the partition the client chose, or empty to let {@link RecordPartitioner} choose
 * @param key       the key (bytes null for no key)
 * @param value     the value (bytes null for a tombstone)
 * @param headers   record headers in the given order (values may be null)
 * @param timestamp the CreateTime in epoch milliseconds, or empty for the broker's clock
 */
public record ProduceRecord(OptionalInt partition, TypedData key, TypedData value, List<Header> headers,
                            OptionalLong timestamp) {
    public ProduceRecord {
        headers = List.copyOf(headers);
    }
}
