package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreException;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Byte ranges of {@code .log} objects through a bounded cache of fixed, aligned chunks: chunk {@code i} of an object
 * is its bytes {@code [i * chunkBytes, min((i + 1) * chunkBytes, size))}, fetched with one ranged GET. A Caffeine
 * {@link AsyncCache} weighted by chunk bytes holds them, shared by all segments, so concurrent readers of one chunk
 * share one GET and the cache never holds more than {@code cacheBytes} of completed chunks (in-flight GETs weigh
 * nothing until they complete). A failed GET is not cached: it is removed before anyone sees the failure, so a retry
 * downloads again.
 *
 * <p><b>Read-ahead.</b> Every read that touches chunks {@code [a, b]} also starts loading chunks
 * {@code b + 1 .. b + readAheadChunks} of the same object in the background (failures ignored; a later demand read
 * retries), so a consumer replaying a topic finds the next chunks loaded or in flight.
 *
 * <p>Chunks are cached as read-only buffers and never handed out: reads copy into new buffers. Thread-safe.
 */
final class LogChunkCache {

    /** Cached reads up to this long (batch headers) are copied on the caller's thread; longer ones on the executor. */
    static final int INLINE_COPY_BYTES = 1024;

    /** One chunk of one object. */
    private record ChunkKey(String objectKey, long index) {
    }

    private final ObjectStore store;
    private final int chunkBytes;
    private final int readAheadChunks;
    private final Executor executor;
    private final ReadCounters counters;
    private final AsyncCache<ChunkKey, ByteBuffer> cache;

    LogChunkCache(ObjectStore store, RemoteReadConfig config, Executor executor, ReadCounters counters) {
        this.store = store;
        this.chunkBytes = config.chunkBytes();
        this.readAheadChunks = config.readAheadChunks();
        this.executor = executor;
        this.counters = counters;
        this.cache = Caffeine.newBuilder()
            .maximumWeight(config.cacheBytes())
            .weigher((ChunkKey key, ByteBuffer chunk) -> chunk.capacity())
            .executor(executor)
            .buildAsync();
    }

    /**
     * Bytes {@code [position, position + length)} of object {@code log}, in a new heap buffer owned by the caller
     * (position 0, limit {@code length}). A short read ({@value #INLINE_COPY_BYTES} bytes at most, e.g. a batch
     * header) of cached chunks is complete when returned; anything else completes on the executor.
     *
     * @throws IllegalArgumentException if the range is empty or not inside the object's registered size
     * @throws RemoteObjectReadException (through the future) if a GET fails
     * @throws org.apache.kafka.common.errors.CorruptRecordException (through the future) if the object is shorter
     *         than its registered size
     */
    CompletableFuture<ByteBuffer> read(RemoteObject log, long position, int length) {
        if (position < 0 || length <= 0 || position + length > log.sizeInBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("range [" + position + ", "
                + (position + length) + ") is not inside " + log.key() + " (" + log.sizeInBytes() + " bytes)"));
        }
        long first = position / chunkBytes;
        long last = (position + length - 1) / chunkBytes;
        List<CompletableFuture<ByteBuffer>> chunks = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            chunks.add(chunk(log, i, false));
        }
        for (long i = last + 1; i <= last + readAheadChunks && i * chunkBytes < log.sizeInBytes(); i++) {
            chunk(log, i, true);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new));
        if (length <= INLINE_COPY_BYTES && all.isDone() && !all.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(assemble(chunks, first, position, length));
        }
        return all.thenApplyAsync(v -> assemble(chunks, first, position, length), executor);
    }

    /** Drops the cached chunks overlapping {@code [position, position + length)} (after corruption was found). */
    void invalidate(RemoteObject log, long position, long length) {
        long first = position / chunkBytes;
        long last = (position + Math.max(length, 1) - 1) / chunkBytes;
        for (long i = first; i <= last; i++) {
            cache.synchronous().invalidate(new ChunkKey(log.key(), i));
        }
    }

    /** The bytes of completed chunks in the cache, after pending evictions ran. */
    long cachedBytes() {
        cache.synchronous().cleanUp();
        return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Drops every chunk. */
    void clear() {
        cache.synchronous().invalidateAll();
    }

    private CompletableFuture<ByteBuffer> chunk(RemoteObject log, long index, boolean readAhead) {
        boolean[] loaded = {false};
        ChunkKey chunkKey = new ChunkKey(log.key(), index);
        CompletableFuture<ByteBuffer> chunk = cache.get(chunkKey, (key, ignored) -> {
            loaded[0] = true;
            return fetch(log, index);
        });
        if (readAhead) {
            if (loaded[0]) {
                counters.readAheadChunks.increment();
            }
        } else {
            (loaded[0] ? counters.chunkMisses : counters.chunkHits).increment();
        }
        return Failures.afterFailure(chunk, () -> cache.asMap().remove(chunkKey, chunk));
    }

    private CompletableFuture<ByteBuffer> fetch(RemoteObject log, long index) {
        long start = index * chunkBytes;
        int expected = (int) Math.min(chunkBytes, log.sizeInBytes() - start);
        return store.getRange(log.key(), start, expected).handle((data, error) -> {
            if (error != null) {
                ObjectStoreException storeError = ObjectStoreException.unwrap(error);
                if (storeError != null && storeError.kind() == ObjectStoreException.Kind.INVALID_RANGE) {
                    throw counters.corruption(log.key(), start, "the object ends before its registered size "
                        + log.sizeInBytes(), storeError);
                }
                throw Failures.fromStore(error, log.key());
            }
            if (data.remaining() != expected) {
                throw counters.corruption(log.key(), start, "a ranged GET of " + expected + " bytes returned "
                    + data.remaining() + ": the object differs from its registered size " + log.sizeInBytes(), null);
            }
            counters.bytesFetched.add(expected);
            return data.slice().asReadOnlyBuffer();
        });
    }

    private ByteBuffer assemble(List<CompletableFuture<ByteBuffer>> chunks, long first, long position, int length) {
        ByteBuffer out = ByteBuffer.allocate(length);
        long chunkStart = first * chunkBytes;
        for (CompletableFuture<ByteBuffer> future : chunks) {
            ByteBuffer chunk = future.join().duplicate();
            long from = Math.max(position, chunkStart);
            long to = Math.min(position + length, chunkStart + chunk.capacity());
            chunk.limit((int) (to - chunkStart)).position((int) (from - chunkStart));
            out.put(chunk);
            chunkStart += chunkBytes;
        }
        return out.flip();
    }
}
