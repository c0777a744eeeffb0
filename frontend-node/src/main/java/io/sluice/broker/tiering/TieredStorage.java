package io.sluice.broker.tiering;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.RemoteLogReadFunction;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.config.EffectiveTopicConfig;
import io.sluice.tiering.objectstore.Retrier;
import io.sluice.tiering.objectstore.RetryPolicy;
import io.sluice.tiering.objectstore.RetryingObjectStore;
import io.sluice.tiering.objectstore.s3.S3Config;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.tiering.read.RemoteLogReader;
import io.sluice.tiering.read.RemoteReadConfig;
import io.sluice.tiering.remote.OrphanCollector;
import io.sluice.tiering.remote.RemoteSegmentDeleter;
import io.sluice.tiering.remote.SegmentUploader;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's tiered-storage parts, started together when an object store is configured: the S3 client (with
 * retries: {@link RetryingObjectStore}, at most 4 attempts per object, then the {@link RemoteLogManager} retries on a
 * later tick), the {@link SegmentUploader} (checksums on {@code copy.max.inflight} I/O threads, which also run the retry timers) and the
 * {@link RemoteLogManager}, and the remote reads ({@link RemoteReads}: a {@link RemoteLogReader} on
 * {@code remote.log.reader.threads} threads, with its own short retries). If the bucket is to be created ({@code sluice.s3.endpoint} set) it is created in the
 * background: S3 being down never stops the broker from starting.
 */
public final class TieredStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TieredStorage.class);

    private final S3ObjectStore objectStore;
    private final ExecutorService ioExecutor;
    private final ExecutorService readerExecutor;
    private final RemoteLogReader reader;
    private final RemoteReads remoteReads;
    private final RemoteLogReadFunction consumerFetches;
    private final RemoteLogManager remoteLogManager;
    private final RemoteLogMetrics metrics;

    private TieredStorage(S3ObjectStore objectStore, ExecutorService ioExecutor, ExecutorService readerExecutor,
                          RemoteLogReader reader, RemoteReads remoteReads, RemoteLogManager remoteLogManager,
                          RemoteLogMetrics metrics, long fetchMaxBytesPerSecond) {
        this.objectStore = objectStore;
        this.ioExecutor = ioExecutor;
        this.readerExecutor = readerExecutor;
        this.reader = reader;
        this.remoteReads = remoteReads;
        this.consumerFetches = fetchMaxBytesPerSecond == Long.MAX_VALUE ? remoteReads::read
                : new RemoteFetchQuota(remoteReads::read, fetchMaxBytesPerSecond, Time.SYSTEM);
        this.remoteLogManager = remoteLogManager;
        this.metrics = metrics;
    }

    /**
     * Starts tiered storage if {@code config.enabled()}.
     *
     * @param partitions  the hosted partitions ({@code ReplicaManager::partitions})
     * @param topicConfig a partition's effective topic config, empty when the topic is unknown
     * @param brokerEpoch this broker's broker epoch ({@code BrokerMembership::brokerEpoch}), negative if unknown
     * @param registry    the broker's meter registry
     * @param isController whether this broker is the active controller now
     * @return the started parts, or empty when remote storage is disabled
     */
    public static Optional<TieredStorage> startIfEnabled(RemoteLogManagerConfig config, int brokerId,
                                                         Supplier<Collection<Partition>> partitions,
                                                         Function<Partition, Optional<EffectiveTopicConfig>> topicConfig,
                                                         MetadataStore metadata, LongSupplier brokerEpoch,
                                                         MeterRegistry registry, Time time,
                                                         BooleanSupplier isController) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        S3Config s3 = config.s3().orElseThrow();
        S3ObjectStore store = S3ObjectStore.create(s3);
        if (s3.createBucketIfMissing()) {
            store.ensureBucket().whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warn("could not check or create bucket {} (uploads retry): {}", s3.bucket(), error.toString());
                }
            });
        }
        ScheduledExecutorService io = Executors.newScheduledThreadPool(config.copyMaxInflight(),
                daemonThreads("sluice-remote-copy-io-" + brokerId));
        RetryingObjectStore retrying = new RetryingObjectStore(store,
                new Retrier(RetryPolicy.DEFAULT.withMaxAttempts(4), io));
        SegmentUploader uploader = new SegmentUploader(retrying, metadata, time, io);
        RemoteLogMetrics metrics = new RemoteLogMetrics(registry);
        ExecutorService readerExecutor = Executors.newFixedThreadPool(config.readerThreads(),
                daemonThreads("sluice-remote-reader-" + brokerId));
        // reads retry briefly: a consumer waiting on a fetch would rather get an error it retries itself
        RetryingObjectStore readStore = new RetryingObjectStore(store,
                new Retrier(RetryPolicy.DEFAULT.withMaxAttempts(3), io));
        RemoteLogReader reader = new RemoteLogReader(readStore, new RemoteReadConfig(config.fetchChunkBytes(),
                config.fetchCacheBytes(), config.fetchReadAheadChunks(), config.indexCacheBytes()), readerExecutor);
        RemoteReads reads = new RemoteReads(new RemoteLogMetadataCache(metadata, time, 10_000L), reader);
        metrics.registerReader(reader);
        RemoteLogManager manager = new RemoteLogManager(brokerId, partitions, topicConfig, metadata, uploader,
                brokerEpoch, config, metrics, time, new RemoteSegmentDeleter(retrying, metadata),
                new OrphanCollector(retrying, metadata, time, OrphanCollector.DEFAULT_MIN_AGE), isController);
        manager.start();
        return Optional.of(new TieredStorage(store, io, readerExecutor, reader, reads, manager, metrics,
                config.fetchMaxBytesPerSecond()));
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Reads of remote storage: replay fetches, ListOffsets by timestamp, leader epochs of tiered offsets. */
    public RemoteReads remoteReads() {
        return remoteReads;
    }

    /**
     * Consumer fetches from remote storage, throttled to {@code remote.log.manager.fetch.max.bytes.per.second}
     * when it is set ({@link RemoteFetchQuota}).
     */
    public RemoteLogReadFunction consumerFetches() {
        return consumerFetches;
    }

    public RemoteLogManager remoteLogManager() {
        return remoteLogManager;
    }

    public RemoteLogMetrics metrics() {
        return metrics;
    }

    /** Stops copying, then closes the I/O threads and the S3 client. */
    @Override
    public void close() throws InterruptedException {
        remoteLogManager.close();
        reader.close();
        readerExecutor.shutdown();
        ioExecutor.shutdown();
        ioExecutor.awaitTermination(5, TimeUnit.SECONDS);
        objectStore.close();
    }
}
