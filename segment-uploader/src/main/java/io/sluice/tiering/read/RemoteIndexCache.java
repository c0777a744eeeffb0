package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.remote.Crc32c;
import io.sluice.tiering.remote.LeaderEpochLineage;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The small whole objects of remote segments ({@code .index}, {@code .timeindex}, {@code .leader-epoch-checkpoint}),
 * each downloaded with one GET, its CRC32C compared with the registered checksum, parsed and checked, then cached by
 * object key in a Caffeine {@link AsyncCache} bounded by {@code indexCacheBytes} (weighed by object size). This is
 * Kafka's {@code RemoteIndexCache} (KIP-405), in memory: object keys are unique per upload, so entries never go stale.
 * A download that fails or does not check out is not cached; concurrent lookups of one object share one GET.
 * Thread-safe.
 */
final class RemoteIndexCache {

    private final ObjectStore store;
    private final Executor executor;
    private final ReadCounters counters;
    private final AsyncCache<String, CachedIndex> cache;

    RemoteIndexCache(ObjectStore store, RemoteReadConfig config, Executor executor, ReadCounters counters) {
        this.store = store;
        this.executor = executor;
        this.counters = counters;
        this.cache = Caffeine.newBuilder()
            .maximumWeight(config.indexCacheBytes())
            .weigher((String key, CachedIndex index) -> index.sizeInBytes())
            .executor(executor)
            .buildAsync();
    }

    /** The segment's offset index. */
    CompletableFuture<RemoteOffsetIndex> offsetIndex(RemoteSegmentMetadata segment) {
        return get(segment.objects().offsetIndex(), (bytes, problem) ->
            RemoteOffsetIndex.parse(bytes, segment, problem)).thenApply(RemoteOffsetIndex.class::cast);
    }

    /** The segment's time index. */
    CompletableFuture<RemoteTimeIndex> timeIndex(RemoteSegmentMetadata segment) {
        return get(segment.objects().timeIndex(), (bytes, problem) ->
            RemoteTimeIndex.parse(bytes, segment, problem)).thenApply(RemoteTimeIndex.class::cast);
    }

    /** The segment's leader epoch checkpoint. */
    CompletableFuture<RemoteEpochCheckpoint> epochCheckpoint(RemoteSegmentMetadata segment) {
        return get(segment.objects().leaderEpochCheckpoint(), RemoteIndexCache::parseCheckpoint)
            .thenApply(RemoteEpochCheckpoint.class::cast);
    }

    /** The bytes of cached objects, after pending evictions ran. */
    long cachedBytes() {
        cache.synchronous().cleanUp();
        return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Drops every entry. */
    void clear() {
        cache.synchronous().invalidateAll();
    }

    private static Optional<CachedIndex> parseCheckpoint(ByteBuffer bytes, String[] problem) {
        byte[] data = new byte[bytes.remaining()];
        bytes.duplicate().get(data);
        try {
            return Optional.of(new RemoteEpochCheckpoint(LeaderEpochLineage.fromCheckpoint(data), data.length));
        } catch (IllegalArgumentException e) {
            problem[0] = "not a leader epoch checkpoint: " + e.getMessage();
            return Optional.empty();
        }
    }

    /** Parses a verified object's bytes, or returns empty with the reason in {@code problem[0]}. */
    private interface Parser extends BiFunction<ByteBuffer, String[], Optional<? extends CachedIndex>> {
    }

    private CompletableFuture<CachedIndex> get(RemoteObject object, Parser parser) {
        boolean[] loaded = {false};
        CompletableFuture<CachedIndex> index = cache.get(object.key(), (key, ignored) -> {
            loaded[0] = true;
            return download(object).thenApplyAsync(bytes -> parse(object, bytes, parser), executor);
        });
        (loaded[0] ? counters.indexMisses : counters.indexHits).increment();
        return Failures.afterFailure(index, () -> cache.asMap().remove(object.key(), index));
    }

    private CompletableFuture<ByteBuffer> download(RemoteObject object) {
        if (object.sizeInBytes() == 0) {
            return CompletableFuture.completedFuture(ByteBuffer.allocate(0));
        }
        return store.get(object.key()).handle((bytes, error) -> {
            if (error != null) {
                throw Failures.fromStore(error, object.key());
            }
            counters.bytesFetched.add(bytes.remaining());
            return bytes;
        });
    }

    private CachedIndex parse(RemoteObject object, ByteBuffer bytes, Parser parser) {
        if (bytes.remaining() != object.sizeInBytes()) {
            throw counters.corruption(object.key(), 0, "the object has " + bytes.remaining()
                + " bytes, not its registered " + object.sizeInBytes(), null);
        }
        String crc = Crc32c.of(bytes);
        if (!crc.equals(object.crc32c())) {
            throw counters.corruption(object.key(), 0, "its CRC32C is " + crc + ", not the registered "
                + object.crc32c(), null);
        }
        String[] problem = new String[1];
        Optional<? extends CachedIndex> parsed = parser.apply(bytes, problem);
        if (parsed.isEmpty()) {
            throw counters.corruption(object.key(), 0, problem[0], null);
        }
        return parsed.get();
    }
}
