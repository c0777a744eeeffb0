package io.sluice.broker.tiering;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.broker.partition.Partition;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.config.EffectiveTopicConfig;
import io.sluice.tiering.objectstore.Retrier;
import io.sluice.tiering.objectstore.RetryPolicy;
import io.sluice.tiering.objectstore.RetryingObjectStore;
import io.sluice.tiering.objectstore.s3.S3Config;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
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
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's tiered-storage parts, started together when an object store is configured: the S3 client (with
 * retries: {@link RetryingObjectStore}, at most 4 attempts per object, then the {@link RemoteLogManager} retries on a
 * later tick), the {@link SegmentUploader} (checksums on {@code copy.max.inflight} I/O threads, which also run the retry timers) and the
 * {@link RemoteLogManager}. If the bucket is to be created ({@code sluice.s3.endpoint} set) it is created in the
 * background: S3 being down never stops the broker from starting.
 */
public final class TieredStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TieredStorage.class);

    private final S3ObjectStore objectStore;
    private final ExecutorService ioExecutor;
    private final RemoteLogManager remoteLogManager;
    private final RemoteLogMetrics metrics;

    private TieredStorage(S3ObjectStore objectStore, ExecutorService ioExecutor, RemoteLogManager remoteLogManager,
                          RemoteLogMetrics metrics) {
        this.objectStore = objectStore;
        this.ioExecutor = ioExecutor;
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
     * @return the started parts, or empty when remote storage is disabled
     */
    public static Optional<TieredStorage> startIfEnabled(RemoteLogManagerConfig config, int brokerId,
                                                         Supplier<Collection<Partition>> partitions,
                                                         Function<Partition, Optional<EffectiveTopicConfig>> topicConfig,
                                                         MetadataStore metadata, LongSupplier brokerEpoch,
                                                         MeterRegistry registry, Time time) {
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
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService io = Executors.newScheduledThreadPool(config.copyMaxInflight(), r -> {
            Thread thread = new Thread(r, "sluice-remote-copy-io-" + brokerId + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        RetryingObjectStore retrying = new RetryingObjectStore(store,
                new Retrier(RetryPolicy.DEFAULT.withMaxAttempts(4), io));
        SegmentUploader uploader = new SegmentUploader(retrying, metadata, time, io);
        RemoteLogMetrics metrics = new RemoteLogMetrics(registry);
        RemoteLogManager manager = new RemoteLogManager(brokerId, partitions, topicConfig, metadata, uploader,
                brokerEpoch, config, metrics, time);
        manager.start();
        return Optional.of(new TieredStorage(store, io, manager, metrics));
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
        ioExecutor.shutdown();
        ioExecutor.awaitTermination(5, TimeUnit.SECONDS);
        objectStore.close();
    }
}
