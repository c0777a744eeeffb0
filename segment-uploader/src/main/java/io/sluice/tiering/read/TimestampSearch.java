package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;

import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The ListOffsets-by-timestamp path of {@link RemoteLogReader#findOffsetByTimestamp}: Kafka's
 * {@code RemoteLogManager.lookupTimestamp} with {@code RemoteIndexCache.lookupTimestamp}, i.e. the semantics of
 * {@code LogSegment.findOffsetByTimestamp}. The time index gives the offset of the first batch that reached the
 * largest indexed timestamp at most the target, the offset index its position; from there the batch headers are
 * scanned for the first batch with {@code maxTimestamp >= target} and {@code lastOffset >= startingOffset}, and its
 * records (the batch verified, then decompressed if needed) for the first one with {@code timestamp >= target} and
 * {@code offset >= startingOffset}. Thread-safe.
 */
final class TimestampSearch {

    private final RemoteIndexCache indexes;
    private final LogChunkCache chunks;
    private final BatchScanner scanner;
    private final BatchVerifier verifier;
    private final Executor executor;

    TimestampSearch(RemoteIndexCache indexes, LogChunkCache chunks, BatchScanner scanner, BatchVerifier verifier,
                    Executor executor) {
        this.indexes = indexes;
        this.chunks = chunks;
        this.scanner = scanner;
        this.verifier = verifier;
        this.executor = executor;
    }

    CompletableFuture<Optional<TimestampAndOffset>> find(RemoteSegmentMetadata segment, long timestamp,
                                                         long startingOffset) {
        if (segment.maxTimestamp() < timestamp || startingOffset > segment.lastOffset()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        long from = Math.max(startingOffset, segment.baseOffset());
        Predicate<BatchHeader> candidate = batch -> batch.maxTimestamp() >= timestamp && batch.lastOffset() >= from;
        return indexes.timeIndex(segment)
            .thenCombine(indexes.offsetIndex(segment), (time, offsets) ->
                offsets.lookup(Math.max(time.lookup(timestamp), from)))
            .thenCompose(start -> scanner.scan(segment, start, candidate))
            .thenCompose(batch -> search(segment, batch, timestamp, from, candidate));
    }

    private CompletableFuture<Optional<TimestampAndOffset>> search(RemoteSegmentMetadata segment,
                                                                   Optional<BatchHeader> found, long timestamp,
                                                                   long from, Predicate<BatchHeader> candidate) {
        if (found.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        BatchHeader header = found.get();
        return chunks.read(segment.objects().log(), header.position(), header.sizeInBytes())
            .thenApplyAsync(bytes -> firstRecord(verifier.wholeBatches(segment, header, bytes, false), timestamp,
                from), executor)
            .thenCompose(record -> record.isPresent()
                ? CompletableFuture.completedFuture(record)
                : scanner.scanAfter(segment, header.nextPosition(), header.lastOffset(), candidate)
                    .thenCompose(next -> search(segment, next, timestamp, from, candidate)));
    }

    private static Optional<TimestampAndOffset> firstRecord(MemoryRecords oneBatch, long timestamp, long from) {
        MutableRecordBatch batch = oneBatch.batches().iterator().next();
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record record = records.next();
                if (record.timestamp() >= timestamp && record.offset() >= from) {
                    int epoch = batch.partitionLeaderEpoch();
                    return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                        epoch == RecordBatch.NO_PARTITION_LEADER_EPOCH ? Optional.empty() : Optional.of(epoch)));
                }
            }
        }
        return Optional.empty();
    }
}
