package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.tiering.objectstore.ObjectStore;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Reads remote (tiered) segments back from the object store: the part of KIP-405's remote fetch below the broker,
 * i.e. what Kafka's {@code RemoteLogReader} / {@code RemoteLogManager.read} and {@code RemoteIndexCache} do with a
 * {@code RemoteStorageManager}. The broker uses it for Kafka fetches, ListOffsets and OffsetForLeaderEpoch below the
 * local log start offset; finding the segment that holds an offset (registrations of state {@code COPY_FINISHED},
 * sorted by base offset) is the caller's job.
 *
 * <p><b>How it reads.</b> A segment's {@code .index}, {@code .timeindex} and {@code .leader-epoch-checkpoint} objects
 * are each downloaded whole with one GET, compared with their registered CRC32C, checked and cached (bounded by
 * {@link RemoteReadConfig#indexCacheBytes()}). The {@code .log} object is read with ranged GETs of fixed, aligned
 * chunks ({@link RemoteReadConfig#chunkBytes()}) held in one bounded cache shared by all segments
 * ({@link RemoteReadConfig#cacheBytes()}); every read also loads the next {@link RemoteReadConfig#readAheadChunks()}
 * chunks in the background, so a consumer replaying a topic streams at object store speed. Concurrent reads of the
 * same chunk or index share one GET. A batch spanning chunks is assembled from both.
 *
 * <p><b>Corruption.</b> Returned bytes are never wrong: every batch returned (or searched for a timestamp) passes
 * {@code RecordBatch.ensureValid()} (its own CRC32C), every batch header walked is checked structurally (offsets
 * increase and stay inside the segment, sizes stay inside the object), and whole objects must match their registered
 * size and CRC32C. A failure fails the future with {@link CorruptRecordException} ({@code CORRUPT_MESSAGE}) naming the
 * object key and byte position, drops the cached bytes involved (a later retry downloads them again), and is counted
 * ({@link #corruptions()}).
 *
 * <p><b>Errors</b> (futures fail with these exceptions themselves, not wrapped in {@code CompletionException}):
 * <ul>
 *   <li>{@link CorruptRecordException}: corrupt data, as above;</li>
 *   <li>{@link RemoteObjectReadException} (a {@code KafkaStorageException}, {@code KAFKA_STORAGE_ERROR}): the object
 *       store failed; its cause is the store's {@link io.sluice.tiering.objectstore.ObjectStoreException}.
 *       {@link RemoteObjectReadException#isObjectNotFound()} means the segment was probably deleted by retention
 *       meanwhile: the caller re-checks its remote log metadata and decides (e.g. {@code OFFSET_OUT_OF_RANGE});</li>
 *   <li>{@link IllegalArgumentException}: a negative {@code maxBytes};</li>
 *   <li>{@link IllegalStateException}: the reader is closed.</li>
 * </ul>
 * No retries happen here: give the reader a {@link io.sluice.tiering.objectstore.RetryingObjectStore} for that.
 *
 * <p><b>Threads.</b> Methods return at once and never block. All I/O goes through the {@link ObjectStore}'s futures;
 * CPU work (checksums, batch CRC checks, decompression for timestamp search, assembling chunks) runs on the executor
 * given to the constructor, as do the caches' maintenance and the completion of the returned futures (so the
 * caller's dependent stages never run on the store's I/O threads); a future is already complete when returned if
 * the answer needed no I/O (an offset past the segment's end, everything cached). Thread-safe.
 */
public final class RemoteLogReader implements AutoCloseable {

    private final RemoteReadConfig config;
    private final Executor executor;
    private final ReadCounters counters = new ReadCounters();
    private final LogChunkCache chunks;
    private final RemoteIndexCache indexes;
    private final SegmentFetch fetch;
    private final TimestampSearch timestampSearch;
    private volatile boolean closed;

    /**
     * @param store    where the segments' objects are (usually a
     *                 {@link io.sluice.tiering.objectstore.RetryingObjectStore}); not closed by {@link #close()}
     * @param config   chunk and cache sizes
     * @param executor runs CPU work (parsing, CRC checks, copies); a small pool, never a Netty event loop; not shut
     *                 down by {@link #close()}
     */
    public RemoteLogReader(ObjectStore store, RemoteReadConfig config, Executor executor) {
        Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.chunks = new LogChunkCache(store, config, executor, counters);
        this.indexes = new RemoteIndexCache(store, config, executor, counters);
        BatchVerifier verifier = new BatchVerifier(chunks, counters);
        BatchScanner scanner = new BatchScanner(chunks, verifier, executor, counters);
        this.fetch = new SegmentFetch(indexes, chunks, scanner, verifier, executor);
        this.timestampSearch = new TimestampSearch(indexes, chunks, scanner, verifier, executor);
    }

    /**
     * Whole record batches of {@code segment} starting with the batch that contains {@code fetchOffset} (the first
     * batch whose last offset is at least {@code fetchOffset}; with compaction its base offset may be larger), as
     * Kafka's fetch: batches are added while their total stays at most {@code maxBytes}; the first batch is returned
     * whole even if larger when {@code minOneMessage} (so a consumer always makes progress), and otherwise such a read
     * returns no records. Never reads past the segment's end (its registered size and {@code lastOffset}).
     *
     * @param segment       a registered ({@code COPY_FINISHED}) segment
     * @param fetchOffset   the first offset wanted; at or below {@code baseOffset} reads from the segment's first
     *                      batch; above {@code lastOffset} (inclusive) returns no records without any I/O
     * @param maxBytes      the byte limit, {@code >= 0}
     * @param minOneMessage Kafka's rule: return the first batch even if it exceeds {@code maxBytes}
     * @return the batches, byte for byte as uploaded (no re-encoding), in a new heap buffer owned by the caller; or
     *         {@link MemoryRecords#EMPTY}
     */
    public CompletableFuture<MemoryRecords> read(RemoteSegmentMetadata segment, long fetchOffset, int maxBytes,
                                                 boolean minOneMessage) {
        Objects.requireNonNull(segment, "segment");
        if (maxBytes < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("negative maxBytes " + maxBytes));
        }
        return call(() -> fetch.read(segment, fetchOffset, maxBytes, minOneMessage));
    }

    /**
     * Kafka's ListOffsets by timestamp inside one segment: the first offset (from the segment's base offset on) whose
     * record timestamp is at least {@code timestampMs}, with that record's timestamp and its batch's leader epoch
     * (Kafka's {@code LogSegment.findOffsetByTimestamp} semantics: for {@code LogAppendTime} batches a record's
     * timestamp is the batch's append time). Uses the {@code .timeindex} to find where to start, then scans batch
     * headers and the records of candidate batches.
     *
     * @return empty if the segment holds no record with a timestamp at least {@code timestampMs} (known without I/O
     *         when {@code timestampMs > segment.maxTimestamp()})
     */
    public CompletableFuture<Optional<TimestampAndOffset>> findOffsetByTimestamp(RemoteSegmentMetadata segment,
                                                                               long timestampMs) {
        return findOffsetByTimestamp(segment, timestampMs, segment.baseOffset());
    }

    /**
     * As {@link #findOffsetByTimestamp(RemoteSegmentMetadata, long)}, ignoring records below {@code startingOffset}
     * (the log start offset when it lies inside this segment, e.g. after DeleteRecords), as Kafka's
     * {@code RemoteLogManager.findOffsetByTimestamp}.
     *
     * @param startingOffset the first offset that may be returned, inclusive
     */
    public CompletableFuture<Optional<TimestampAndOffset>> findOffsetByTimestamp(RemoteSegmentMetadata segment,
                                                                               long timestampMs,
                                                                               long startingOffset) {
        Objects.requireNonNull(segment, "segment");
        return call(() -> timestampSearch.find(segment, timestampMs, startingOffset));
    }

    /**
     * The whole leader epoch lineage stored with the segment (its {@code .leader-epoch-checkpoint} object, checksum
     * verified): every epoch from the log start up to the segment's last offset with its start offset, in increasing
     * order, as Kafka's {@code RemoteLogManager} uses it to answer OffsetForLeaderEpoch from remote data.
     */
    public CompletableFuture<List<EpochEntry>> leaderEpochs(RemoteSegmentMetadata segment) {
        Objects.requireNonNull(segment, "segment");
        return call(() -> indexes.epochCheckpoint(segment).thenApply(RemoteEpochCheckpoint::entries));
    }

    /** The configuration. */
    public RemoteReadConfig config() {
        return config;
    }

    /** Bytes received from the object store so far ({@code .log} chunks and whole index/checkpoint objects). */
    public long bytesFetched() {
        return counters.bytesFetched.sum();
    }

    /** Reads of a {@code .log} chunk found in the cache (completed or in flight, read-ahead included). */
    public long chunkCacheHits() {
        return counters.chunkHits.sum();
    }

    /** Reads of a {@code .log} chunk that had to start a ranged GET. */
    public long chunkCacheMisses() {
        return counters.chunkMisses.sum();
    }

    /** Ranged GETs started by read-ahead. */
    public long readAheadChunks() {
        return counters.readAheadChunks.sum();
    }

    /** Lookups of an index or checkpoint object found in the cache. */
    public long indexCacheHits() {
        return counters.indexHits.sum();
    }

    /** Lookups of an index or checkpoint object that had to download it. */
    public long indexCacheMisses() {
        return counters.indexMisses.sum();
    }

    /** Corruptions detected (bad batch CRC or header, object of the wrong size or checksum, unparseable index). */
    public long corruptions() {
        return counters.corruptions.sum();
    }

    /** Bytes of {@code .log} chunks now cached; at most {@link RemoteReadConfig#cacheBytes()}. */
    public long cachedChunkBytes() {
        return chunks.cachedBytes();
    }

    /** Bytes of index and checkpoint objects now cached; at most {@link RemoteReadConfig#indexCacheBytes()}. */
    public long cachedIndexBytes() {
        return indexes.cachedBytes();
    }

    /**
     * Drops the caches; later calls fail with {@link IllegalStateException}. Reads in flight complete normally.
     * Closes neither the store nor the executor. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        chunks.clear();
        indexes.clear();
    }

    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the remote log reader is closed"));
        }
        try {
            return Failures.unwrappedOn(operation.get(), executor);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
