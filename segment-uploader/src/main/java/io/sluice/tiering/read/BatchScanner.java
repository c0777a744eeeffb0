package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Walks the batch headers of a {@code .log} object forward from a position, as Kafka's
 * {@code FileRecords.searchForOffsetFromPosition} does on a local file, reading only the 61-byte headers through the
 * {@link LogChunkCache}. Cached headers are walked in a loop on the calling thread; only a chunk still being downloaded
 * suspends the walk, which resumes on the executor (so a long walk never deepens the stack).
 *
 * <p>Every header is checked structurally ({@link BatchVerifier#checkHeader}); a bad header fails the walk with
 * {@link org.apache.kafka.common.errors.CorruptRecordException} naming the object key and position, and drops the
 * chunks holding it from the cache. Thread-safe.
 */
final class BatchScanner {

    private final LogChunkCache chunks;
    private final BatchVerifier verifier;
    private final Executor executor;
    private final ReadCounters counters;

    BatchScanner(LogChunkCache chunks, BatchVerifier verifier, Executor executor, ReadCounters counters) {
        this.chunks = chunks;
        this.verifier = verifier;
        this.executor = executor;
        this.counters = counters;
    }

    /**
     * The first batch, from {@code start} on, whose header satisfies {@code stop}; empty if the object ends first.
     *
     * @param start where to begin: a position from the offset index and the last offset the index says the batch
     *              there holds (the first header's last offset may not exceed it)
     */
    CompletableFuture<Optional<BatchHeader>> scan(RemoteSegmentMetadata segment, IndexPosition start,
                                                  Predicate<BatchHeader> stop) {
        long maxLastOffset = start.indexedOffset() < 0 ? segment.lastOffset() : start.indexedOffset();
        return scan(segment, start.position(), segment.baseOffset() - 1, maxLastOffset, stop);
    }

    /**
     * As {@link #scan(RemoteSegmentMetadata, IndexPosition, Predicate)}, continuing after a known batch.
     *
     * @param position          the next batch's position
     * @param previousLastOffset the previous batch's last offset: the next batch must start after it
     */
    CompletableFuture<Optional<BatchHeader>> scanAfter(RemoteSegmentMetadata segment, long position,
                                                       long previousLastOffset, Predicate<BatchHeader> stop) {
        return scan(segment, position, previousLastOffset, segment.lastOffset(), stop);
    }

    private CompletableFuture<Optional<BatchHeader>> scan(RemoteSegmentMetadata segment, long position,
                                                          long previousLastOffset, long maxLastOffset,
                                                          Predicate<BatchHeader> stop) {
        RemoteObject log = segment.objects().log();
        long at = position;
        long previous = previousLastOffset;
        long maxLast = maxLastOffset;
        while (at < log.sizeInBytes()) {
            CompletableFuture<BatchHeader> pending = header(segment, at, previous, maxLast);
            if (!pending.isDone()) {
                return pending.thenComposeAsync(header -> stop.test(header)
                    ? CompletableFuture.completedFuture(Optional.of(header))
                    : scan(segment, header.nextPosition(), header.lastOffset(), segment.lastOffset(), stop), executor);
            }
            BatchHeader header;
            try {
                header = pending.join();
            } catch (CompletionException e) {
                return CompletableFuture.failedFuture(Failures.unwrap(e));
            }
            if (stop.test(header)) {
                return CompletableFuture.completedFuture(Optional.of(header));
            }
            at = header.nextPosition();
            previous = header.lastOffset();
            maxLast = segment.lastOffset();
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** The checked header at {@code position}. */
    private CompletableFuture<BatchHeader> header(RemoteSegmentMetadata segment, long position,
                                                  long previousLastOffset, long maxLastOffset) {
        RemoteObject log = segment.objects().log();
        if (log.sizeInBytes() - position < BatchHeader.SIZE) {
            return CompletableFuture.failedFuture(counters.corruption(log.key(), position, "the object ends "
                + (log.sizeInBytes() - position) + " bytes after a batch boundary, inside a batch header", null));
        }
        return chunks.read(log, position, BatchHeader.SIZE).thenApply(bytes ->
            verifier.checkHeader(segment, bytes, 0, position, previousLastOffset, maxLastOffset));
    }
}
