package io.sluice.broker.cluster;

import org.apache.kafka.common.TopicPartition;

import java.util.Objects;

/**
 * One record as a consumer read it back.
 *
 * @param partition the partition it was read from
 * @param offset    its offset there
 * @param value     its value as a string (may be null for a null value)
 */
public record ReadRecord(TopicPartition partition, long offset, String value) {
    public ReadRecord {
        Objects.requireNonNull(partition, "partition");
    }

    @Override
    public String toString() {
        return partition + "@" + offset + "=" + value;
    }
}
