package io.sluice.broker.tiering;

import io.sluice.tiering.objectstore.s3.S3Config;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The broker's tiered-storage settings, read from the broker properties. Names follow KIP-405 where Kafka has one;
 * the object store's settings are Sluice's own ({@code sluice.s3.*}).
 *
 * <ul>
 *   <li>{@code remote.log.storage.system.enable} (KIP-405): default true when {@code sluice.s3.endpoint} or
 *       {@code sluice.s3.bucket} is set, else false. When false no segment is uploaded.</li>
 *   <li>{@code remote.log.manager.task.interval.ms} (KIP-405, default 30000): how often the leader looks for sealed
 *       segments to upload.</li>
 *   <li>{@code remote.log.manager.copy.max.inflight} (Sluice, default 2): segment uploads in flight per broker.</li>
 *   <li>{@code remote.log.manager.copy.max.bytes.per.second} (KIP-956, default unlimited): upload rate of this
 *       broker; a new upload starts only once the bytes already started fit in the rate.</li>
 *   <li>{@code remote.log.manager.fetch.max.bytes.per.second} (KIP-956, default unlimited): bytes per second this
 *       broker reads from remote storage for consumers; reads over it are delayed.</li>
 *   <li>{@code sluice.remote.orphan.collection.interval.ms} (default 600000): how often each leader scans its
 *       partition's objects for orphans (the controller: deleted topics' data).</li>
 *   <li>Remote reads: {@code remote.log.reader.threads} (KIP-405, default 10; here threads for CPU work of remote
 *       reads: parsing, CRC checks), {@code remote.log.index.file.cache.total.size.bytes} (KIP-405, default
 *       1 GiB: cached {@code .index}/{@code .timeindex} objects), {@code sluice.remote.fetch.cache.bytes} (default
 *       128 MiB: cached chunks of remote {@code .log} objects), {@code sluice.remote.fetch.chunk.bytes} (default
 *       1 MiB: size of one ranged GET) and {@code sluice.remote.fetch.read.ahead.chunks} (default 2).</li>
 *   <li>{@code sluice.s3.endpoint} (none: AWS S3), {@code sluice.s3.region} (us-east-1), {@code sluice.s3.bucket}
 *       (required when enabled), {@code sluice.s3.prefix} (""; a "/" is appended if missing),
 *       {@code sluice.s3.path.style.access} (default true when an endpoint is given), {@code sluice.s3.access.key} /
 *       {@code sluice.s3.secret.key} (both or neither; else the AWS default credentials chain). With an endpoint the
 *       bucket is created if missing (local stores: S3Proxy, MinIO).</li>
 * </ul>
 *
 * @param enabled            {@code remote.log.storage.system.enable}
 * @param taskIntervalMs     {@code remote.log.manager.task.interval.ms}, ms, &gt; 0
 * @param copyMaxInflight    {@code remote.log.manager.copy.max.inflight}, &ge; 1
 * @param copyMaxBytesPerSecond {@code remote.log.manager.copy.max.bytes.per.second} (KIP-956), bytes/s, &gt; 0;
 *                           {@link Long#MAX_VALUE} = unthrottled
 * @param fetchMaxBytesPerSecond {@code remote.log.manager.fetch.max.bytes.per.second} (KIP-956), bytes/s, &gt; 0;
 *                           {@link Long#MAX_VALUE} = unthrottled
 * @param orphanCollectionIntervalMs {@code sluice.remote.orphan.collection.interval.ms}, ms, &gt; 0
 * @param readerThreads      {@code remote.log.reader.threads}, &ge; 1
 * @param indexCacheBytes    {@code remote.log.index.file.cache.total.size.bytes}, bytes, &ge; 0
 * @param fetchCacheBytes    {@code sluice.remote.fetch.cache.bytes}, bytes, &ge; 0
 * @param fetchChunkBytes    {@code sluice.remote.fetch.chunk.bytes}, bytes, &ge; 4096
 * @param fetchReadAheadChunks {@code sluice.remote.fetch.read.ahead.chunks}, &ge; 0
 * @param s3                 the object store; present iff {@code enabled}
 */
public record RemoteLogManagerConfig(boolean enabled, long taskIntervalMs, int copyMaxInflight,
                                     long copyMaxBytesPerSecond, long fetchMaxBytesPerSecond,
                                     long orphanCollectionIntervalMs, int readerThreads, long indexCacheBytes,
                                     long fetchCacheBytes, int fetchChunkBytes, int fetchReadAheadChunks,
                                     Optional<S3Config> s3) {

    public static final String REMOTE_LOG_STORAGE_SYSTEM_ENABLE = "remote.log.storage.system.enable";
    public static final String TASK_INTERVAL_MS = "remote.log.manager.task.interval.ms";
    public static final String COPY_MAX_INFLIGHT = "remote.log.manager.copy.max.inflight";
    public static final String COPY_MAX_BYTES_PER_SECOND = "remote.log.manager.copy.max.bytes.per.second";
    public static final String FETCH_MAX_BYTES_PER_SECOND = "remote.log.manager.fetch.max.bytes.per.second";
    public static final String ORPHAN_COLLECTION_INTERVAL_MS = "sluice.remote.orphan.collection.interval.ms";
    public static final String READER_THREADS = "remote.log.reader.threads";
    public static final String INDEX_CACHE_BYTES = "remote.log.index.file.cache.total.size.bytes";
    public static final String FETCH_CACHE_BYTES = "sluice.remote.fetch.cache.bytes";
    public static final String FETCH_CHUNK_BYTES = "sluice.remote.fetch.chunk.bytes";
    public static final String FETCH_READ_AHEAD_CHUNKS = "sluice.remote.fetch.read.ahead.chunks";
    public static final String S3_ENDPOINT = "sluice.s3.endpoint";
    public static final String S3_REGION = "sluice.s3.region";
    public static final String S3_BUCKET = "sluice.s3.bucket";
    public static final String S3_PREFIX = "sluice.s3.prefix";
    public static final String S3_PATH_STYLE_ACCESS = "sluice.s3.path.style.access";
    public static final String S3_ACCESS_KEY = "sluice.s3.access.key";
    public static final String S3_SECRET_KEY = "sluice.s3.secret.key";

    /** Every setting this class reads (for the broker's known-keys check). */
    public static final Set<String> KEYS = Set.of(REMOTE_LOG_STORAGE_SYSTEM_ENABLE, TASK_INTERVAL_MS,
            COPY_MAX_INFLIGHT, COPY_MAX_BYTES_PER_SECOND, FETCH_MAX_BYTES_PER_SECOND, ORPHAN_COLLECTION_INTERVAL_MS, READER_THREADS, INDEX_CACHE_BYTES, FETCH_CACHE_BYTES,
            FETCH_CHUNK_BYTES, FETCH_READ_AHEAD_CHUNKS, S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX, S3_PATH_STYLE_ACCESS, S3_ACCESS_KEY,
            S3_SECRET_KEY);

    public static final long DEFAULT_TASK_INTERVAL_MS = 30_000L;
    public static final int DEFAULT_COPY_MAX_INFLIGHT = 2;
    public static final long DEFAULT_ORPHAN_COLLECTION_INTERVAL_MS = 600_000L;
    public static final int DEFAULT_READER_THREADS = 10;
    public static final long DEFAULT_INDEX_CACHE_BYTES = 1024L * 1024 * 1024;
    public static final long DEFAULT_FETCH_CACHE_BYTES = 128L * 1024 * 1024;
    public static final int DEFAULT_FETCH_CHUNK_BYTES = 1024 * 1024;
    public static final int DEFAULT_FETCH_READ_AHEAD_CHUNKS = 2;

    public RemoteLogManagerConfig {
        if (taskIntervalMs <= 0) {
            throw new ConfigException(TASK_INTERVAL_MS, taskIntervalMs, "must be > 0");
        }
        if (copyMaxInflight < 1) {
            throw new ConfigException(COPY_MAX_INFLIGHT, copyMaxInflight, "must be >= 1");
        }
        if (copyMaxBytesPerSecond <= 0) {
            throw new ConfigException(COPY_MAX_BYTES_PER_SECOND, copyMaxBytesPerSecond, "must be > 0");
        }
        if (fetchMaxBytesPerSecond <= 0) {
            throw new ConfigException(FETCH_MAX_BYTES_PER_SECOND, fetchMaxBytesPerSecond, "must be > 0");
        }
        if (orphanCollectionIntervalMs <= 0) {
            throw new ConfigException(ORPHAN_COLLECTION_INTERVAL_MS, orphanCollectionIntervalMs, "must be > 0");
        }
        if (readerThreads < 1) {
            throw new ConfigException(READER_THREADS, readerThreads, "must be >= 1");
        }
        if (indexCacheBytes < 0) {
            throw new ConfigException(INDEX_CACHE_BYTES, indexCacheBytes, "must be >= 0");
        }
        if (fetchCacheBytes < 0) {
            throw new ConfigException(FETCH_CACHE_BYTES, fetchCacheBytes, "must be >= 0");
        }
        if (fetchChunkBytes < 4096) {
            throw new ConfigException(FETCH_CHUNK_BYTES, fetchChunkBytes, "must be >= 4096");
        }
        if (fetchReadAheadChunks < 0) {
            throw new ConfigException(FETCH_READ_AHEAD_CHUNKS, fetchReadAheadChunks, "must be >= 0");
        }
        if (enabled != s3.isPresent()) {
            throw new IllegalArgumentException("an object store is needed exactly when remote storage is enabled");
        }
    }

    /**
     * Reads the settings.
     *
     * @throws ConfigException on a malformed value, a missing {@code sluice.s3.bucket} while enabled, or only one of
     *                         the two keys
     */
    public static RemoteLogManagerConfig fromBrokerSettings(Map<String, String> settings) {
        Optional<String> endpoint = nonBlank(settings, S3_ENDPOINT);
        Optional<String> bucket = nonBlank(settings, S3_BUCKET);
        boolean enabled = nonBlank(settings, REMOTE_LOG_STORAGE_SYSTEM_ENABLE).map(Boolean::parseBoolean)
                .orElse(endpoint.isPresent() || bucket.isPresent());
        long interval = parseLong(settings, TASK_INTERVAL_MS, DEFAULT_TASK_INTERVAL_MS);
        int inflight = (int) parseLong(settings, COPY_MAX_INFLIGHT, DEFAULT_COPY_MAX_INFLIGHT);
        long copyRate = parseLong(settings, COPY_MAX_BYTES_PER_SECOND, Long.MAX_VALUE);
        long fetchRate = parseLong(settings, FETCH_MAX_BYTES_PER_SECOND, Long.MAX_VALUE);
        long orphanInterval = parseLong(settings, ORPHAN_COLLECTION_INTERVAL_MS, DEFAULT_ORPHAN_COLLECTION_INTERVAL_MS);
        int readerThreads = (int) parseLong(settings, READER_THREADS, DEFAULT_READER_THREADS);
        long indexCache = parseLong(settings, INDEX_CACHE_BYTES, DEFAULT_INDEX_CACHE_BYTES);
        long fetchCache = parseLong(settings, FETCH_CACHE_BYTES, DEFAULT_FETCH_CACHE_BYTES);
        int chunk = (int) Math.min(Integer.MAX_VALUE, parseLong(settings, FETCH_CHUNK_BYTES, DEFAULT_FETCH_CHUNK_BYTES));
        int readAhead = (int) parseLong(settings, FETCH_READ_AHEAD_CHUNKS, DEFAULT_FETCH_READ_AHEAD_CHUNKS);
        if (!enabled) {
            return new RemoteLogManagerConfig(false, interval, inflight, copyRate, fetchRate, orphanInterval, readerThreads, indexCache,
                    fetchCache, chunk, readAhead, Optional.empty());
        }
        String bucketName = bucket.orElseThrow(() -> new ConfigException(S3_BUCKET + " is required when "
                + REMOTE_LOG_STORAGE_SYSTEM_ENABLE + " is true"));
        S3Config.Builder s3 = S3Config.builder(bucketName)
                .region(nonBlank(settings, S3_REGION).orElse("us-east-1"))
                .keyPrefix(nonBlank(settings, S3_PREFIX).map(p -> p.endsWith("/") ? p : p + "/").orElse(""))
                .pathStyle(nonBlank(settings, S3_PATH_STYLE_ACCESS).map(Boolean::parseBoolean)
                        .orElse(endpoint.isPresent()))
                .createBucketIfMissing(endpoint.isPresent());
        endpoint.ifPresent(e -> s3.endpoint(parseUri(e)));
        Optional<String> accessKey = nonBlank(settings, S3_ACCESS_KEY);
        Optional<String> secretKey = nonBlank(settings, S3_SECRET_KEY);
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new ConfigException(S3_ACCESS_KEY + " and " + S3_SECRET_KEY + " must be given together");
        }
        accessKey.ifPresent(a -> s3.staticCredentials(a, secretKey.get()));
        try {
            return new RemoteLogManagerConfig(true, interval, inflight, copyRate, fetchRate, orphanInterval, readerThreads, indexCache,
                    fetchCache, chunk, readAhead, Optional.of(s3.build()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid sluice.s3.* settings: " + e.getMessage());
        }
    }

    private static Optional<String> nonBlank(Map<String, String> settings, String key) {
        return Optional.ofNullable(settings.get(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static long parseLong(Map<String, String> settings, String key, long defaultValue) {
        Optional<String> raw = nonBlank(settings, key);
        try {
            return raw.isPresent() ? Long.parseLong(raw.get()) : defaultValue;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, raw.get(), "not a number");
        }
    }

    private static URI parseUri(String raw) {
        try {
            URI uri = URI.create(raw);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigException(S3_ENDPOINT, raw, "expected http(s)://HOST[:PORT]");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(S3_ENDPOINT, raw, "expected http(s)://HOST[:PORT]");
        }
    }
}
