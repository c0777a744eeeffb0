package io.sluice.broker.http;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of one produce request grouped into one record batch per partition (magic v2, uncompressed,
 * CreateTime, no producer id: what a non-idempotent Java producer sends), remembering where each request record
 * went so offsets can be given back in request order.
 *
 * <p>Within a partition the records keep request order, so record {@code i} of the request lands at
 * {@code baseOffset + indexInBatch(i)} once the batch is appended.
 */
final class PartitionBatches {
    private final Map<TopicPartition, List<SimpleRecord>> byPartition = new LinkedHashMap<>();
    private final List<TopicPartition> partitionOf = new ArrayList<>();
    private final List<Integer> indexInBatch = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();

    /** Adds the next request record. */
    void add(TopicPartition tp, long timestampMs, byte[] key, byte[] value, List<Header> headers) {
        List<SimpleRecord> batch = byPartition.computeIfAbsent(tp, p -> new ArrayList<>());
        partitionOf.add(tp);
        indexInBatch.add(batch.size());
        timestamps.add(timestampMs);
        batch.add(new SimpleRecord(timestampMs, key, value, headers.toArray(Header[]::new)));
    }

    /** @return one batch per partition, in the order partitions were first used */
    Map<TopicPartition, MemoryRecords> build() {
        Map<TopicPartition, MemoryRecords> batches = new LinkedHashMap<>();
        byPartition.forEach((tp, records) ->
                batches.put(tp, MemoryRecords.withRecords(Compression.NONE, records.toArray(SimpleRecord[]::new))));
        return batches;
    }

    /** @return the number of request records added */
    int size() {
        return partitionOf.size();
    }

    /** @return the partition request record {@code i} went to */
    TopicPartition partitionOf(int i) {
        return partitionOf.get(i);
    }

    /** @return the position of request record {@code i} in its partition's batch (0-based) */
    int indexInBatch(int i) {
        return indexInBatch.get(i);
    }

    /** @return the CreateTime of request record {@code i}, epoch milliseconds */
    long timestamp(int i) {
        return timestamps.get(i);
    }
}
