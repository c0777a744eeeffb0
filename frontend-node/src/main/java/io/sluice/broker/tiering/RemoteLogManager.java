package io.sluice.broker.tiering;

import io.sluice.broker.partition.Partition;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.config.EffectiveTopicConfig;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentOverlapException;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.remote.SegmentUpload;
import io.sluice.tiering.remote.OrphanCollector;
import io.sluice.tiering.remote.RemoteSegmentDeleter;
import io.sluice.tiering.remote.SegmentUploader;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Copies sealed local segments of the partitions this broker leads to remote storage, applies remote retention, and
 * tells followers' logs how far remote storage reaches (Kafka's name and role, KIP-405).
 *
 * <p>Every {@code remote.log.manager.task.interval.ms}, on its own single thread (never a request handler or Netty
 * thread, so produce latency does not depend on S3), for each partition that this broker leads, that is not fenced,
 * and whose topic has {@code remote.storage.enable=true}, {@code remote.log.copy.disable=false} and a
 * {@code cleanup.policy} without {@code compact}:
 * <ol>
 *   <li>once per leader epoch, reads the partition's {@link RemoteLogState} from etcd; afterwards it advances its
 *       own copy as its uploads register;</li>
 *   <li>picks the oldest sealed segment wholly below the high watermark that starts at or after the remote log's
 *       next offset ({@link CopyCandidate}); a segment straddling that offset is uploaded as a slice from that offset
 *       ({@code PartitionLog.copySegmentSlice}, staged under {@value #STAGING_DIR} in the log directory);</li>
 *   <li>calls {@link SegmentUploader#upload} with the partition's leader epoch lineage, fenced by the current leader
 *       epoch and this broker's broker epoch. At most one upload per partition (so they register in offset order)
 *       and {@code remote.log.manager.copy.max.inflight} per broker are in flight.</li>
 * </ol>
 * A failed read or upload is logged when the partition's state changes (first failure, recovery), counted, and
 * retried on a later tick after a backoff (500 ms doubling to 30 s). A fencing error ({@code FENCED_LEADER_EPOCH},
 * {@code NOT_LEADER_OR_FOLLOWER}, an overlap) makes it re-read the remote log state. When this broker stops leading
 * a partition (or the leader epoch changes) its state is dropped at the next tick; an upload still in flight is
 * fenced by etcd.
 *
 * <p>Thread-safety: all state lives on the manager's thread; completions are handed back to it.
 */
public final class RemoteLogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteLogManager.class);
    /**
     * Under the log directory: slices of straddling segments while they upload ({@code PartitionLog.copySegmentSlice}).
     * Not a {@code <topic>-<partition>} name, so the log manager never loads it as a partition.
     */
    static final String STAGING_DIR = ".remote-staging";

    private final int brokerId;
    private final Supplier<Collection<Partition>> partitions;
    private final Function<Partition, Optional<EffectiveTopicConfig>> topicConfig;
    private final MetadataStore metadata;
    private final SegmentUploader uploader;
    private final LongSupplier brokerEpoch;
    private final RemoteLogManagerConfig config;
    private final RemoteLogMetrics metrics;
    private final Time time;
    private final ScheduledExecutorService executor;
    private final Map<TopicPartition, PartitionCopyState> states = new HashMap<>();
    private final FollowerRemoteState followers;
    private final RemoteRetentionTask retention;
    private final OrphanCollectionTask orphans;
    private int inflight;
    /** Upload throttle: no new upload starts before this time (ms). */
    private long copyQuotaFreeAtMs;
    private volatile boolean closed;

    /**
     * @param brokerId    this broker's {@code node.id}
     * @param partitions  the partitions this broker hosts ({@code ReplicaManager::partitions})
     * @param topicConfig a partition's effective topic config; empty if the topic is unknown (e.g. deleted)
     * @param metadata    where the remote log state is read
     * @param uploader    uploads and registers one segment
     * @param brokerEpoch this broker's broker epoch ({@code BrokerMembership::brokerEpoch}); negative while not
     *                    registered, and then nothing is copied
     * @param config      interval and in-flight bound
     * @param metrics     counters and gauges
     * @param time        the clock (backoff)
     * @param deleter     deletes remote segments (retention)
     * @param orphanCollector removes unregistered objects
     * @param isController whether this broker is the active controller now (it collects deleted topics' data)
     */
    public RemoteLogManager(int brokerId, Supplier<Collection<Partition>> partitions,
                            Function<Partition, Optional<EffectiveTopicConfig>> topicConfig, MetadataStore metadata,
                            SegmentUploader uploader, LongSupplier brokerEpoch, RemoteLogManagerConfig config,
                            RemoteLogMetrics metrics, Time time, RemoteSegmentDeleter deleter,
                            OrphanCollector orphanCollector, BooleanSupplier isController) {
        this.brokerId = brokerId;
        this.partitions = partitions;
        this.topicConfig = topicConfig;
        this.metadata = metadata;
        this.uploader = uploader;
        this.brokerEpoch = brokerEpoch;
        this.config = config;
        this.metrics = metrics;
        this.time = time;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-remote-log-manager-" + brokerId);
            thread.setDaemon(true);
            return thread;
        });
        this.followers = new FollowerRemoteState(metadata, config.taskIntervalMs(), executor, time::milliseconds);
        this.retention = new RemoteRetentionTask(brokerId, metadata, deleter, topicConfig, config.taskIntervalMs(),
                executor, metrics, time::milliseconds);
        this.orphans = new OrphanCollectionTask(orphanCollector, config.orphanCollectionIntervalMs(), isController,
                executor, metrics);
    }

    /** The manager's thread, also usable for retry timers of the object store. */
    public ScheduledExecutorService executor() {
        return executor;
    }

    /** Starts the periodic task (first run after one interval). */
    public void start() {
        executor.scheduleWithFixedDelay(this::runSafely, config.taskIntervalMs(), config.taskIntervalMs(),
                TimeUnit.MILLISECONDS);
        LOG.info("remote log manager started brokerId={} intervalMs={} copyMaxInflight={}", brokerId,
                config.taskIntervalMs(), config.copyMaxInflight());
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.error("remote log manager task failed; retrying on the next tick", e);
        }
    }

    /** One pass over the hosted partitions. Runs on the manager's thread. */
    void runOnce() {
        if (closed) {
            return;
        }
        Map<TopicPartition, Partition> led = new HashMap<>();
        for (Partition p : partitions.get()) {
            if (!remoteStorageEnabled(p)) {
                continue;
            }
            if (p.isLeader()) {
                led.put(p.topicPartition(), p);
            } else {
                followers.maybeRefresh(p);
            }
        }
        followers.retainOnly(partitions.get());
        dropStale(led);
        long epoch = brokerEpoch.getAsLong();
        if (epoch < 0) {
            return;
        }
        long now = time.milliseconds();
        for (Partition p : led.values()) {
            PartitionCopyState state = states.computeIfAbsent(p.topicPartition(),
                    tp -> new PartitionCopyState(p.topicIdPartition(), p.state().leaderEpoch()));
            if (state.busy || now < state.retryAtMs) {
                continue;
            }
            if (state.nextRemoteOffset == PartitionCopyState.UNKNOWN) {
                if (inflight < config.copyMaxInflight()) {
                    readRemoteLogState(p, state);
                }
                continue;
            }
            if (copyEnabled(p) && inflight < config.copyMaxInflight() && now >= copyQuotaFreeAtMs) {
                maybeCopy(p, state, epoch);
            }
            retention.maybeRun(p, state, epoch, now);
            orphans.maybeCollect(state, now);
        }
        orphans.maybeCollectDeletedTopics(now);
    }

    /** Runs another pass soon (after an upload registered: the next segment may be ready). */
    private void runAgainSoon() {
        try {
            executor.execute(this::runSafely);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private boolean remoteStorageEnabled(Partition p) {
        return topicConfig.apply(p).map(c -> c.remoteStorageEnable() && !c.compactEnabled()).orElse(false);
    }

    private boolean copyEnabled(Partition p) {
        return topicConfig.apply(p).map(c -> !c.remoteLogCopyDisable()).orElse(false);
    }

    private void dropStale(Map<TopicPartition, Partition> copied) {
        Iterator<Map.Entry<TopicPartition, PartitionCopyState>> it = states.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<TopicPartition, PartitionCopyState> e = it.next();
            Partition p = copied.get(e.getKey());
            PartitionCopyState s = e.getValue();
            if (p == null || !p.topicIdPartition().equals(s.partition) || p.state().leaderEpoch() != s.leaderEpoch) {
                it.remove();
                metrics.partitionRemoved(e.getKey());
                LOG.info("stopped copying {} leaderEpoch={} (no longer its leader, new epoch or copy disabled)",
                        s.partition, s.leaderEpoch);
            }
        }
    }

    private void readRemoteLogState(Partition p, PartitionCopyState state) {
        state.busy = true;
        inflight++;
        CompletableFuture<RemoteLogState> read = state.startedDeletionsFinished
                ? metadata.remoteLogState(state.partition.topicId(), state.partition.partition())
                : retention.finishStartedDeletions(state.partition)
                        .thenCompose(n -> metadata.remoteLogState(state.partition.topicId(), state.partition.partition()));
        onManagerThread(read,
                (remote, error) -> {
                    inflight--;
                    state.busy = false;
                    if (error != null) {
                        onFailure(state, "reading the remote log state", error);
                        return;
                    }
                    state.startedDeletionsFinished = true;
                    state.nextRemoteOffset = remote.nextOffset();
                    p.log().updateHighestOffsetInRemoteStorage(remote.highestOffset());
                    metrics.remoteLogEndOffset(state.partition.topicPartition(), remote.nextOffset());
                    LOG.info("copying {} to remote storage from offset {} leaderEpoch={} ({} remote segments)",
                            state.partition, remote.nextOffset(), state.leaderEpoch, remote.segmentCount());
                    onSuccess(state);
                });
    }

    private void maybeCopy(Partition p, PartitionCopyState state, long epoch) {
        CopyCandidate candidate = CopyCandidate.select(p.log().segments(), p.highWatermark(), state.nextRemoteOffset);
        SegmentInfo segment;
        Path staging = null;
        if (candidate.segment().isPresent()) {
            segment = candidate.segment().get();
        } else if (candidate.straddling().isPresent()) {
            SegmentInfo straddling = candidate.straddling().get();
            try {
                staging = Files.createDirectories(p.log().dir().getParent().resolve(STAGING_DIR)
                        .resolve(p.topicPartition() + "-" + Uuid.randomUuid()));
                segment = p.log().copySegmentSlice(straddling.baseOffset(), state.nextRemoteOffset, staging);
            } catch (IOException | RuntimeException e) {
                deleteStaging(staging);
                onFailure(state, "slicing segment " + straddling.baseOffset() + " at offset " + state.nextRemoteOffset,
                        e);
                return;
            }
            if (straddling.baseOffset() != state.straddleLogged) {
                state.straddleLogged = straddling.baseOffset();
                LOG.info("segment {} of {} (offsets [{}, {}]) straddles the remote log's next offset {}: uploading "
                        + "its slice [{}, {}]", straddling.baseOffset(), state.partition, straddling.baseOffset(),
                        straddling.nextOffset() - 1, state.nextRemoteOffset, state.nextRemoteOffset,
                        straddling.nextOffset() - 1);
            }
        } else {
            return;
        }
        Path stagingDir = staging;
        if (config.copyMaxBytesPerSecond() != Long.MAX_VALUE) {
            long now = time.milliseconds();
            copyQuotaFreeAtMs = Math.max(now, copyQuotaFreeAtMs)
                    + segment.sizeInBytes() * 1000L / config.copyMaxBytesPerSecond();
        }
        SegmentUpload upload = new SegmentUpload(state.partition, segment,
                p.log().leaderEpochCache().epochEntries(), state.leaderEpoch, brokerId, epoch);
        state.busy = true;
        inflight++;
        CompletableFuture<RemoteSegmentMetadata> future;
        try {
            future = uploader.upload(upload);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        onManagerThread(future, (registered, error) -> {
            inflight--;
            state.busy = false;
            deleteStaging(stagingDir);
            if (error != null) {
                metrics.copyFailed();
                onFailure(state, "copying segment " + segment.baseOffset(), error);
                return;
            }
            metrics.segmentCopied(registered.sizeInBytes());
            LOG.info("copied segment {} of {} to remote storage: offsets [{}, {}], {} bytes, segmentId={}",
                    segment.baseOffset(), state.partition, registered.baseOffset(), registered.lastOffset(),
                    registered.sizeInBytes(), registered.segmentId());
            if (states.get(state.partition.topicPartition()) == state) {
                state.nextRemoteOffset = registered.lastOffset() + 1;
                p.log().updateHighestOffsetInRemoteStorage(registered.lastOffset());
                metrics.remoteLogEndOffset(state.partition.topicPartition(), state.nextRemoteOffset);
            }
            onSuccess(state);
            runAgainSoon();
        });
    }

    /** Removes a slice written for an upload (best effort; a leftover is removed by the next one of its partition). */
    private static void deleteStaging(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the upload staging directory {}: {}", dir, e.toString());
        }
    }

    private void onSuccess(PartitionCopyState state) {
        if (state.consecutiveFailures > 0) {
            LOG.info("copying {} works again after {} failed attempts", state.partition, state.consecutiveFailures);
        }
        state.consecutiveFailures = 0;
        state.retryAtMs = 0;
    }

    private void onFailure(PartitionCopyState state, String what, Throwable error) {
        Throwable cause = unwrap(error);
        state.consecutiveFailures++;
        state.retryAtMs = time.milliseconds() + state.backoffMs();
        if (isFencing(cause)) {
            state.nextRemoteOffset = PartitionCopyState.UNKNOWN;
        }
        if (state.consecutiveFailures == 1) {
            LOG.warn("{} of {} leaderEpoch={} failed; retrying with backoff: {}", what, state.partition,
                    state.leaderEpoch, cause.toString());
        } else {
            LOG.debug("{} of {} failed again (attempt {}): {}", what, state.partition, state.consecutiveFailures,
                    cause.toString());
        }
    }

    /** Errors after which the remote log state must be read again (another leader, or our view is stale). */
    private static boolean isFencing(Throwable error) {
        return error instanceof FencedLeaderEpochException || error instanceof UnknownLeaderEpochException
                || error instanceof NotLeaderOrFollowerException || error instanceof StaleBrokerEpochException
                || error instanceof RemoteSegmentOverlapException;
    }

    private <T> void onManagerThread(CompletableFuture<T> future, java.util.function.BiConsumer<T, Throwable> then) {
        future.whenComplete((value, error) -> {
            if (closed) {
                return;
            }
            try {
                executor.execute(() -> then.accept(value, error));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        });
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Stops the task; uploads in flight finish or fail on their own (their registration stays fenced). */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        executor.shutdown();
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
        LOG.info("remote log manager stopped brokerId={}", brokerId);
    }
}
