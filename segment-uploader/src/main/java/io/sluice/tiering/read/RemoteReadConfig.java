package io.sluice.tiering.read;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Settings of {@link RemoteLogReader}. Kafka has no names for these (its {@code RemoteLogManager} reads through the
 * {@code RemoteStorageManager} plugin, whose caching is the plugin's business, as in Aiven's chunk cache); the broker
 * maps its {@code sluice.remote.fetch.*} settings onto them.
 *
 * @param chunkBytes      bytes per ranged GET of a {@code .log} object and per cache entry. Chunks are aligned: chunk
 *                        {@code i} of an object is its bytes {@code [i * chunkBytes, min((i + 1) * chunkBytes, size))},
 *                        so repeated and overlapping reads hit the same cache keys. In
 *                        {@code [MIN_CHUNK_BYTES, MAX_CHUNK_BYTES]}; default 1 MiB
 * @param cacheBytes      bound on the bytes of cached {@code .log} chunks, shared by all segments; at least
 *                        {@code (readAheadChunks + 1) * chunkBytes}, so read-ahead cannot evict the chunk being read;
 *                        default 128 MiB
 * @param readAheadChunks how many chunks after the last chunk a read touches are loaded in the background, in
 *                        {@code [0, MAX_READ_AHEAD_CHUNKS]}; default 2
 * @param indexCacheBytes bound on the bytes of cached offset indexes, time indexes and leader epoch checkpoints
 *                        (Kafka's {@code RemoteIndexCache}, in memory here), positive; default 32 MiB
 * @throws InvalidConfigurationException if a value is out of range
 */
public record RemoteReadConfig(int chunkBytes, long cacheBytes, int readAheadChunks, long indexCacheBytes) {

    /** Smallest chunk: 1 KiB (smaller chunks only multiply GETs). */
    public static final int MIN_CHUNK_BYTES = 1024;
    /** Largest chunk: 64 MiB (one cache entry is one heap buffer). */
    public static final int MAX_CHUNK_BYTES = 64 << 20;
    /** Largest read-ahead, in chunks. */
    public static final int MAX_READ_AHEAD_CHUNKS = 64;

    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    public static final long DEFAULT_CACHE_BYTES = 128L << 20;
    public static final int DEFAULT_READ_AHEAD_CHUNKS = 2;
    public static final long DEFAULT_INDEX_CACHE_BYTES = 32L << 20;

    /** 1 MiB chunks, 128 MiB of chunk cache, 2 chunks of read-ahead, 32 MiB of index cache. */
    public static final RemoteReadConfig DEFAULT = new RemoteReadConfig(DEFAULT_CHUNK_BYTES, DEFAULT_CACHE_BYTES,
        DEFAULT_READ_AHEAD_CHUNKS, DEFAULT_INDEX_CACHE_BYTES);

    public RemoteReadConfig {
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new InvalidConfigurationException("chunkBytes must be in [" + MIN_CHUNK_BYTES + ", "
                + MAX_CHUNK_BYTES + "], not " + chunkBytes);
        }
        if (readAheadChunks < 0 || readAheadChunks > MAX_READ_AHEAD_CHUNKS) {
            throw new InvalidConfigurationException("readAheadChunks must be in [0, " + MAX_READ_AHEAD_CHUNKS
                + "], not " + readAheadChunks);
        }
        long minCache = (long) (readAheadChunks + 1) * chunkBytes;
        if (cacheBytes < minCache) {
            throw new InvalidConfigurationException("cacheBytes must be at least (readAheadChunks + 1) * chunkBytes = "
                + minCache + ", not " + cacheBytes);
        }
        if (indexCacheBytes <= 0) {
            throw new InvalidConfigurationException("indexCacheBytes must be positive, not " + indexCacheBytes);
        }
    }

    public RemoteReadConfig withChunkBytes(int value) {
        return new RemoteReadConfig(value, cacheBytes, readAheadChunks, indexCacheBytes);
    }

    public RemoteReadConfig withCacheBytes(long value) {
        return new RemoteReadConfig(chunkBytes, value, readAheadChunks, indexCacheBytes);
    }

    public RemoteReadConfig withReadAheadChunks(int value) {
        return new RemoteReadConfig(chunkBytes, cacheBytes, value, indexCacheBytes);
    }

    public RemoteReadConfig withIndexCacheBytes(long value) {
        return new RemoteReadConfig(chunkBytes, cacheBytes, readAheadChunks, value);
    }
}
