package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.checkpoint.AtomicFiles;
import io.sluice.storage.checkpoint.CleanShutdownFile;
import io.sluice.storage.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Owns one log dir (Kafka's {@code LogManager} for a single directory): loads every partition directory at
 * startup, recovering logs if the previous shutdown was not clean, creates and deletes partition logs, writes the
 * log-dir level checkpoints and runs the periodic tasks on the injected scheduler.
 *
 * <p><b>Log-dir files</b> (Kafka's names and formats, see {@link OffsetCheckpointFile}):
 * {@value #RECOVERY_POINT_CHECKPOINT_FILE} (flushed offset per partition, every
 * {@code log.flush.offset.checkpoint.interval.ms}), {@value #LOG_START_OFFSET_CHECKPOINT_FILE} (every
 * {@code log.flush.start.offset.checkpoint.interval.ms}), {@value #HIGH_WATERMARK_CHECKPOINT_FILE} (high
 * watermarks, every {@code replica.high.watermark.checkpoint.interval.ms}) and the clean-shutdown marker
 * {@code .kafka_cleanshutdown} written by {@link #close()}. With tiered storage the checkpointed log start offset
 * may lie below a log's first local segment (the offsets between are in remote storage); the local log start offset
 * and the highest offset in remote storage are not checkpointed (see {@link PartitionLog#open}).
 *
 * <p><b>Periodic tasks:</b> retention ({@code log.retention.check.interval.ms}), {@code flush.ms} checks
 * ({@code log.flush.scheduler.interval.ms}), the three checkpoints, producer-id expiration. A failing task logs
 * and runs again next period.
 *
 * <p>Thread-safe. The scheduler belongs to the caller; {@link #close()} cancels this manager's tasks but does not
 * shut the scheduler down (pending delayed file deletions still need it).
 */
public final class LogManager implements Closeable {
    public static final String RECOVERY_POINT_CHECKPOINT_FILE = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT_FILE = "log-start-offset-checkpoint";
    public static final String HIGH_WATERMARK_CHECKPOINT_FILE = "replication-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final Path logDir;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final LogManagerConfig config;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Object createLock = new Object();
    private final OffsetCheckpointFile recoveryPointCheckpoint;
    private final OffsetCheckpointFile logStartOffsetCheckpoint;
    private final OffsetCheckpointFile highWatermarkCheckpoint;
    private final CleanShutdownFile cleanShutdownFile;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param logDir    the log directory (created if missing)
     * @param time      clock for retention, rolling and flush intervals
     * @param scheduler runs the periodic tasks, delayed file deletion and background flushes
     * @throws KafkaStorageException if the directory cannot be created
     */
    public LogManager(Path logDir, Time time, ScheduledExecutorService scheduler, LogManagerConfig config) {
        this.logDir = logDir;
        this.time = time;
        this.scheduler = scheduler;
        this.config = config;
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot create log dir " + logDir, e);
        }
        this.recoveryPointCheckpoint = new OffsetCheckpointFile(logDir.resolve(RECOVERY_POINT_CHECKPOINT_FILE));
        this.logStartOffsetCheckpoint = new OffsetCheckpointFile(logDir.resolve(LOG_START_OFFSET_CHECKPOINT_FILE));
        this.highWatermarkCheckpoint = new OffsetCheckpointFile(logDir.resolve(HIGH_WATERMARK_CHECKPOINT_FILE));
        this.cleanShutdownFile = new CleanShutdownFile(logDir);
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Loads every partition directory, then removes the clean-shutdown marker and starts the periodic tasks.
     * Directories named {@code *-delete} (topics deleted before a restart) are removed; hidden ones ({@code .name},
     * other components' working directories) are ignored; other names that are not {@code <topic>-<partition>} are
     * skipped with a warning.
     *
     * @param configLookup the configuration of each partition found (null means {@link LogConfig#defaults()})
     * @throws KafkaStorageException if a log cannot be loaded
     */
    public void startup(Function<TopicPartition, LogConfig> configLookup) {
        long started = time.milliseconds();
        boolean cleanShutdown = cleanShutdownFile.exists();
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(recoveryPointCheckpoint);
        Map<TopicPartition, Long> startOffsets = readCheckpoint(logStartOffsetCheckpoint);
        Map<TopicPartition, Long> highWatermarks = readCheckpoint(highWatermarkCheckpoint);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.endsWith(LogFileNames.DELETE_DIR_SUFFIX)) {
                    scheduleDirectoryDeletion(dir, 0L);
                    continue;
                }
                if (name.startsWith(".")) {
                    // another component's working directory (e.g. the tiering layer's upload staging): not a log
                    continue;
                }
                Optional<TopicPartition> tp = LogFileNames.parsePartitionDirName(name);
                if (tp.isEmpty()) {
                    LOG.warn("Skipping directory {} in log dir {}: not a <topic>-<partition> directory", name, logDir);
                    continue;
                }
                LogConfig logConfig = Optional.ofNullable(configLookup.apply(tp.get())).orElseGet(LogConfig::defaults);
                LogLoadParams params = new LogLoadParams(cleanShutdown, recoveryPoints.getOrDefault(tp.get(), 0L),
                    startOffsets.getOrDefault(tp.get(), 0L), highWatermarks.getOrDefault(tp.get(), -1L));
                logs.put(tp.get(), PartitionLog.open(dir, tp.get(), logConfig, params, time, scheduler));
            }
            cleanShutdownFile.delete();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load the logs of " + logDir, e);
        }
        scheduleTasks();
        LOG.info("Loaded {} logs from {} in {} ms (clean shutdown: {})", logs.size(), logDir,
            time.milliseconds() - started, cleanShutdown);
    }

    /**
     * The log of {@code tp}, created empty with {@code config} if it does not exist; records {@code topicId} in
     * its {@code partition.metadata}.
     *
     * @throws InconsistentTopicIdException INCONSISTENT_TOPIC_ID if the existing log belongs to another topic ID
     * @throws KafkaStorageException        if the directory cannot be created
     */
    public PartitionLog getOrCreateLog(TopicPartition tp, Uuid topicId, LogConfig config) {
        synchronized (createLock) {
            PartitionLog existing = logs.get(tp);
            if (existing != null) {
                existing.assignTopicId(topicId);
                return existing;
            }
            Path dir = logDir.resolve(LogFileNames.partitionDirName(tp));
            PartitionLog log = PartitionLog.open(dir, tp, config, LogLoadParams.unknown(), time, scheduler);
            try {
                log.assignTopicId(topicId);
            } catch (RuntimeException e) {
                log.closeHandlers();
                throw e;
            }
            logs.put(tp, log);
            LOG.info("Created log for partition {} (topic id {}) in {}", tp, topicId, dir);
            return log;
        }
    }

    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** All loaded logs. */
    public Collection<PartitionLog> allLogs() {
        return List.copyOf(logs.values());
    }

    /** Applies a dynamic topic configuration change to the log of {@code tp}, if loaded. */
    public void updateConfig(TopicPartition tp, LogConfig config) {
        getLog(tp).ifPresent(log -> log.updateConfig(config));
    }

    /**
     * Deletes the log of {@code tp} (topic deleted): closes it, renames its directory to
     * {@code <topic>-<partition>.<uuid>-delete} at once and removes it after {@code file.delete.delay.ms}.
     * Reads still in flight on the closed log may fail. A no-op if the log is not loaded.
     */
    public void deleteLog(TopicPartition tp) {
        PartitionLog log;
        synchronized (createLock) {
            log = logs.remove(tp);
        }
        if (log == null) {
            return;
        }
        log.closeHandlers();
        Path target = logDir.resolve(LogFileNames.deleteDirName(tp, UUID.randomUUID().toString().replace("-", "")));
        try {
            Files.move(log.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(logDir);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot rename the directory of deleted partition " + tp, e);
        }
        scheduleDirectoryDeletion(target, log.config().fileDeleteDelayMs());
        checkpointAll();
        LOG.info("Deleted log of partition {}; its files are in {} until removed", tp, target);
    }

    /** Runs retention on every log; returns the number of segments deleted. */
    public int cleanupLogs() {
        int deleted = 0;
        for (PartitionLog log : allLogs()) {
            deleted += log.deleteRetentionBreachedSegments();
        }
        return deleted;
    }

    /** Flushes every log whose last flush is at least its {@code flush.ms} old. */
    public void flushDirtyLogs() {
        long now = time.milliseconds();
        for (PartitionLog log : allLogs()) {
            if (now - log.lastFlushTime() >= log.config().flushMs()) {
                log.flush();
            }
        }
    }

    /** Removes idle producer ids from every log. */
    public void removeExpiredProducers() {
        for (PartitionLog log : allLogs()) {
            log.removeExpiredProducers();
        }
    }

    /** Writes {@value #RECOVERY_POINT_CHECKPOINT_FILE}. */
    public void checkpointRecoveryPoints() {
        writeCheckpoint(recoveryPointCheckpoint, PartitionLog::recoveryPoint);
    }

    /** Writes {@value #LOG_START_OFFSET_CHECKPOINT_FILE}. */
    public void checkpointLogStartOffsets() {
        writeCheckpoint(logStartOffsetCheckpoint, PartitionLog::logStartOffset);
    }

    /** Writes {@value #HIGH_WATERMARK_CHECKPOINT_FILE}. */
    public void checkpointHighWatermarks() {
        writeCheckpoint(highWatermarkCheckpoint, PartitionLog::highWatermark);
    }

    private void checkpointAll() {
        checkpointRecoveryPoints();
        checkpointLogStartOffsets();
        checkpointHighWatermarks();
    }

    /**
     * Clean shutdown: cancels the periodic tasks, closes every log (flush, producer snapshot, trimmed indexes),
     * writes the three checkpoints and finally the clean-shutdown marker, so the next startup skips recovery.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (tasks) {
            tasks.forEach(task -> task.cancel(false));
            tasks.clear();
        }
        for (PartitionLog log : allLogs()) {
            log.close();
        }
        checkpointAll();
        try {
            cleanShutdownFile.write(-1L);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the clean shutdown marker in " + logDir, e);
        }
        LOG.info("Shut down log manager of {} cleanly ({} logs)", logDir, logs.size());
    }

    private void scheduleTasks() {
        schedule("retention", this::cleanupLogs, config.retentionCheckIntervalMs());
        schedule("flush", this::flushDirtyLogs, config.flushSchedulerIntervalMs());
        schedule("recovery-point-checkpoint", this::checkpointRecoveryPoints, config.flushCheckpointIntervalMs());
        schedule("log-start-offset-checkpoint", this::checkpointLogStartOffsets,
            config.flushStartOffsetCheckpointIntervalMs());
        schedule("high-watermark-checkpoint", this::checkpointHighWatermarks,
            config.highWatermarkCheckpointIntervalMs());
        schedule("producer-expiration", this::removeExpiredProducers, config.producerIdExpirationCheckIntervalMs());
    }

    private void schedule(String name, Runnable task, long periodMs) {
        if (periodMs == Long.MAX_VALUE) {
            return;
        }
        Runnable guarded = () -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Periodic task {} of log dir {} failed", name, logDir, e);
            }
        };
        synchronized (tasks) {
            tasks.add(scheduler.scheduleAtFixedRate(guarded, config.initialTaskDelayMs(), periodMs,
                TimeUnit.MILLISECONDS));
        }
    }

    private void writeCheckpoint(OffsetCheckpointFile file, ToLongFunction<PartitionLog> offset) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionLog log : allLogs()) {
            offsets.put(log.topicPartition(), offset.applyAsLong(log));
        }
        try {
            file.write(offsets);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + file.file(), e);
        }
    }

    private Map<TopicPartition, Long> readCheckpoint(OffsetCheckpointFile file) {
        try {
            return file.read();
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable checkpoint {}: {}", file.file(), e.getMessage());
            return Map.of();
        }
    }

    private void scheduleDirectoryDeletion(Path dir, long delayMs) {
        Runnable delete = () -> {
            try {
                deleteRecursively(dir);
            } catch (IOException e) {
                LOG.warn("Could not delete directory {}", dir, e);
            }
        };
        try {
            scheduler.schedule(delete, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            delete.run();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
