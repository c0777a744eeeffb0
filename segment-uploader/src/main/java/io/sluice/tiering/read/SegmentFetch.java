package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;

import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The fetch path of {@link RemoteLogReader#read}: offset index lookup, header scan to the batch holding the fetch
 * offset, one chunked range read of the batches that fit, verification. Kafka's {@code RemoteLogManager.read}, except
 * that only whole batches are returned. Thread-safe.
 */
final class SegmentFetch {

    private final RemoteIndexCache indexes;
    private final LogChunkCache chunks;
    private final BatchScanner scanner;
    private final BatchVerifier verifier;
    private final Executor executor;

    SegmentFetch(RemoteIndexCache indexes, LogChunkCache chunks, BatchScanner scanner, BatchVerifier verifier,
                 Executor executor) {
        this.indexes = indexes;
        this.chunks = chunks;
        this.scanner = scanner;
        this.verifier = verifier;
        this.executor = executor;
    }

    CompletableFuture<MemoryRecords> read(RemoteSegmentMetadata segment, long fetchOffset, int maxBytes,
                                          boolean minOneMessage) {
        if (fetchOffset > segment.lastOffset()) {
            return CompletableFuture.completedFuture(MemoryRecords.EMPTY);
        }
        long target = Math.max(fetchOffset, segment.baseOffset());
        return indexes.offsetIndex(segment)
            .thenCompose(index -> scanner.scan(segment, index.lookup(target), batch -> batch.lastOffset() >= target))
            .thenCompose(first -> readFrom(segment, first, maxBytes, minOneMessage));
    }

    private CompletableFuture<MemoryRecords> readFrom(RemoteSegmentMetadata segment, Optional<BatchHeader> found,
                                                      int maxBytes, boolean minOneMessage) {
        if (found.isEmpty()) {
            return CompletableFuture.completedFuture(MemoryRecords.EMPTY);
        }
        BatchHeader first = found.get();
        long limit = minOneMessage ? Math.max(first.sizeInBytes(), maxBytes) : maxBytes;
        if (first.sizeInBytes() > limit) {
            return CompletableFuture.completedFuture(MemoryRecords.EMPTY);
        }
        RemoteObject log = segment.objects().log();
        long end = Math.min(first.position() + limit, log.sizeInBytes());
        boolean toObjectEnd = end == log.sizeInBytes();
        return chunks.read(log, first.position(), (int) (end - first.position()))
            .thenApplyAsync(bytes -> verifier.wholeBatches(segment, first, bytes, toObjectEnd), executor);
    }
}
