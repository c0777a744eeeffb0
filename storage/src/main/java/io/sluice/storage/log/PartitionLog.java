package io.sluice.storage.log;

import io.sluice.storage.AppendOrigin;
import io.sluice.storage.checkpoint.PartitionMetadataFile;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.epoch.LeaderEpochCache;
import io.sluice.storage.epoch.LeaderEpochCheckpointFile;
import io.sluice.storage.producer.BatchMetadata;
import io.sluice.storage.producer.ProducerAppendInfo;
import io.sluice.storage.producer.ProducerStateEntry;
import io.sluice.storage.producer.ProducerStateManager;
import io.sluice.storage.validation.AnalyzedRecords;
import io.sluice.storage.validation.LogValidator;
import io.sluice.storage.validation.RecordsAnalyzer;
import io.sluice.storage.validation.ValidationResult;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one partition replica (Kafka's {@code UnifiedLog} without tiering or transactions): record batches
 * in Kafka's on-disk format in {@code <logDir>/<topic>-<partition>}, with producer deduplication, the leader
 * epoch cache, the log start offset, the high watermark and retention.
 *
 * <p><b>Offsets:</b> {@link #logStartOffset()} (inclusive) is the first offset that can be read;
 * {@link #logEndOffset()} (exclusive) is the next offset to be assigned; {@link #highWatermark()} (exclusive)
 * is the end of the committed data, {@code logStartOffset ≤ highWatermark ≤ logEndOffset}.
 *
 * <p><b>Thread-safety:</b> appends, rolls, truncation, retention, start-offset and high-watermark updates and
 * configuration changes take this log's lock. {@link #read}, {@link #offsetForTimestamp},
 * {@link #maxTimestampOffset} and the offset getters do not: they read a consistent snapshot (the segment map
 * is a concurrent skip list, the log end offset and its byte position are published in one volatile write after
 * each append) and never see a partially written batch. Files of deleted segments stay readable for
 * {@code file.delete.delay.ms}, so a {@code FileRecords} slice returned by {@link #read} can still be sent.
 * {@link #flush} fsyncs outside the lock.
 *
 * <p><b>Durability:</b> see {@code docs/on-disk-format.md}. With the default {@code flush.messages} and
 * {@code flush.ms} (never), data reaches the disk when the OS writes back the page cache, when a segment rolls
 * (the rolled segment is flushed in the background) and on clean shutdown.
 */
public final class PartitionLog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private final TopicPartition topicPartition;
    private final Path dir;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final LocalLog localLog;
    private final LeaderEpochCache leaderEpochCache;
    private final ProducerStateManager producerStateManager;
    private final PartitionMetadataFile partitionMetadataFile;
    private volatile Optional<Uuid> topicId;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    private volatile boolean closed;
    private volatile boolean offline;

    private PartitionLog(TopicPartition topicPartition, Path dir, Time time, ScheduledExecutorService scheduler,
                         LocalLog localLog, LeaderEpochCache leaderEpochCache,
                         ProducerStateManager producerStateManager, long logStartOffset) throws IOException {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.time = time;
        this.scheduler = scheduler;
        this.localLog = localLog;
        this.leaderEpochCache = leaderEpochCache;
        this.producerStateManager = producerStateManager;
        this.logStartOffset = logStartOffset;
        this.partitionMetadataFile = PartitionMetadataFile.in(dir);
        this.topicId = partitionMetadataFile.read();
    }

    /**
     * Opens the log in {@code dir} (created if missing), recovering it as {@code params} requires: loads and
     * checks segments, truncates a torn tail, rebuilds indexes, reconciles the leader epoch cache with the log's
     * offsets and rebuilds producer state from the latest snapshot plus the batches after it.
     *
     * @param scheduler runs delayed segment-file deletion and background flushes of rolled segments
     * @throws KafkaStorageException if the directory cannot be read or written
     */
    public static PartitionLog open(Path dir, TopicPartition topicPartition, LogConfig config, LogLoadParams params,
                                    Time time, ScheduledExecutorService scheduler) {
        try {
            Files.createDirectories(dir);
            LeaderEpochCache epochCache = new LeaderEpochCache(topicPartition, LeaderEpochCheckpointFile.in(dir));
            LoadedLog loaded = new LogLoader(dir, topicPartition, config, time,
                batch -> assignEpochIfNewer(epochCache, batch.partitionLeaderEpoch(), batch.baseOffset()))
                .load(params);
            LocalLog localLog = new LocalLog(dir, topicPartition, config, loaded, time, scheduler);
            ProducerStateManager producerState = new ProducerStateManager(topicPartition, dir,
                config.producerIdExpirationMs());
            PartitionLog log = new PartitionLog(topicPartition, dir, time, scheduler, localLog, epochCache,
                producerState, loaded.logStartOffset());
            log.completeLoad(params);
            return log;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load the log of " + topicPartition + " in " + dir, e);
        }
    }

    private void completeLoad(LogLoadParams params) throws IOException {
        long logEndOffset = localLog.logEndOffset();
        if (logStartOffset > logEndOffset) {
            LOG.warn("{}: log start offset {} is beyond the recovered log end offset {}; starting the log at {}",
                topicPartition, logStartOffset, logEndOffset, logStartOffset);
            localLog.truncateFullyAndStartAt(logStartOffset);
            logEndOffset = logStartOffset;
        }
        leaderEpochCache.truncateFromEnd(logEndOffset);
        leaderEpochCache.truncateFromStart(logStartOffset);
        rebuildProducerState(logEndOffset);
        long checkpointed = params.highWatermarkCheckpoint();
        highWatermark = clamp(checkpointed < 0 ? logStartOffset : checkpointed);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** The partition directory {@code <logDir>/<topic>-<partition>}. */
    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return localLog.config();
    }

    /** The topic ID from {@code partition.metadata}, if assigned. */
    public Optional<Uuid> topicId() {
        return topicId;
    }

    /**
     * Records the topic ID in {@code partition.metadata}, or checks it against the stored one.
     *
     * @throws InconsistentTopicIdException (INCONSISTENT_TOPIC_ID) if a different ID is stored
     */
    public void assignTopicId(Uuid id) {
        lock.lock();
        try {
            partitionMetadataFile.writeOrVerify(id);
            topicId = Optional.of(id);
        } catch (IOException e) {
            throw storageError("write partition.metadata", e);
        } finally {
            lock.unlock();
        }
    }

    /** Applies a changed topic configuration; size and index settings apply to segments created from now on. */
    public void updateConfig(LogConfig config) {
        lock.lock();
        try {
            localLog.updateConfig(config);
            producerStateManager.setProducerIdExpirationMs(config.producerIdExpirationMs());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a producer's batch as leader (Kafka's {@code appendAsLeader}): validates it
     * ({@link RecordsAnalyzer}, {@link LogValidator}), answers a retry of one of the producer's last five batches
     * with its original offsets without appending, checks the producer epoch and sequence, assigns offsets from
     * the log end offset and stamps {@code leaderEpoch} in place, then appends, rolling first if needed.
     *
     * @param records     one v2 record batch with base offset 0, as received in a Produce request; its buffer is
     *                    modified in place (offsets, leader epoch, timestamps)
     * @param leaderEpoch the current leader epoch; a new epoch is recorded in the leader epoch cache. The caller
     *                    must already have fenced requests from stale epochs.
     * @throws InvalidRecordException        INVALID_RECORD: not exactly one v2 batch, base offset not 0,
     *                                       inconsistent count or offset deltas, control or transactional batch
     * @throws CorruptRecordException        CORRUPT_MESSAGE: CRC mismatch or unparseable batch header
     * @throws RecordTooLargeException       MESSAGE_TOO_LARGE: batch larger than {@code max.message.bytes}
     * @throws RecordBatchTooLargeException  RECORD_LIST_TOO_LARGE: batch larger than {@code segment.bytes}
     * @throws InvalidTimestampException     INVALID_TIMESTAMP: CreateTime timestamp out of the configured bounds
     * @throws OutOfOrderSequenceException   OUT_OF_ORDER_SEQUENCE_NUMBER: sequence gap, or a new producer epoch
     *                                       not starting at sequence 0
     * @throws InvalidProducerEpochException INVALID_PRODUCER_EPOCH: the producer epoch is older than the latest
     * @throws KafkaStorageException         KAFKA_STORAGE_ERROR: the write failed
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig config = localLog.config();
            AnalyzedRecords analyzed = RecordsAnalyzer.analyze(records, topicPartition, AppendOrigin.CLIENT,
                config.maxMessageBytes());
            if (analyzed.isEmpty()) {
                throw new InvalidRecordException("Produce request for " + topicPartition + " has no record batch");
            }
            long now = time.milliseconds();
            ValidationResult validated = LogValidator.validateAndAssignOffsets(analyzed.records(), topicPartition,
                localLog.logEndOffset(), leaderEpoch, now, config.messageTimestampType(),
                config.messageTimestampBeforeMaxMs(), config.messageTimestampAfterMaxMs());
            checkFitsSegment(analyzed.validBytes(), config);
            MutableRecordBatch batch = analyzed.records().batches().iterator().next();
            ProducerAppendInfo producerAppend = null;
            if (batch.hasProducerId()) {
                Optional<BatchMetadata> duplicate = producerStateManager.lastEntry(batch.producerId())
                    .flatMap(entry -> entry.findDuplicateBatch(batch));
                if (duplicate.isPresent()) {
                    return duplicateAppendInfo(duplicate.get(), analyzed.validBytes(), config);
                }
                producerAppend = producerStateManager.prepareUpdate(batch.producerId(), AppendOrigin.CLIENT);
                producerAppend.append(batch);
            }
            maybeRoll(analyzed.validBytes(), validated.maxTimestamp(), validated.lastOffset(),
                validated.firstOffset(), now);
            maybeAssignEpochStartOffset(leaderEpoch, validated.firstOffset());
            localLog.append(validated.lastOffset(), validated.maxTimestamp(), validated.lastOffset(),
                analyzed.records());
            if (producerAppend != null) {
                producerStateManager.update(producerAppend);
            }
            producerStateManager.updateMapEndOffset(validated.lastOffset() + 1);
            maybeFlushAfterAppend(config);
            return new LogAppendInfo(validated.firstOffset(), validated.lastOffset(), validated.maxTimestamp(),
                validated.offsetOfMaxTimestamp(), validated.logAppendTime(), logStartOffset, analyzed.validBytes(),
                validated.numRecords(), false);
        } catch (IOException e) {
            throw storageError("append to", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends batches copied from the leader (Kafka's {@code appendAsFollower}): offsets, leader epochs and
     * timestamps are kept as they are. Checks CRCs and that offsets strictly increase and start at or above the
     * log end offset; records new leader epochs and producer state (without sequence checks).
     *
     * @return the append info; {@code firstOffset == -1} if {@code records} held no complete batch
     * @throws CorruptRecordException            CORRUPT_MESSAGE: CRC mismatch
     * @throws InvalidRecordException            a batch that is not magic v2
     * @throws UnexpectedAppendOffsetException   the first offset is below the log end offset
     * @throws io.sluice.storage.validation.OffsetsOutOfOrderException offsets do not strictly increase
     * @throws RecordBatchTooLargeException      the batches are larger than {@code segment.bytes}
     * @throws KafkaStorageException             the write failed
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig config = localLog.config();
            AnalyzedRecords analyzed = RecordsAnalyzer.analyze(records, topicPartition, AppendOrigin.REPLICATION, -1);
            if (analyzed.isEmpty()) {
                return new LogAppendInfo(-1L, -1L, RecordBatch.NO_TIMESTAMP, -1L, RecordBatch.NO_TIMESTAMP,
                    logStartOffset, 0, 0, false);
            }
            long logEndOffset = localLog.logEndOffset();
            if (analyzed.firstOffset() < logEndOffset) {
                throw new UnexpectedAppendOffsetException("Unexpected offset in append to " + topicPartition
                    + ". First offset " + analyzed.firstOffset() + " is less than the next offset " + logEndOffset
                    + ". Last offset of the append: " + analyzed.lastOffset(), analyzed.firstOffset(),
                    analyzed.lastOffset());
            }
            checkFitsSegment(analyzed.validBytes(), config);
            Map<Long, ProducerAppendInfo> producerAppends = new LinkedHashMap<>();
            long shallowOffsetOfMaxTimestamp = -1L;
            int numRecords = 0;
            for (MutableRecordBatch batch : analyzed.records().batches()) {
                if (batch.hasProducerId()) {
                    producerAppends.computeIfAbsent(batch.producerId(),
                        id -> producerStateManager.prepareUpdate(id, AppendOrigin.REPLICATION)).append(batch);
                }
                if (batch.maxTimestamp() == analyzed.maxTimestamp() && shallowOffsetOfMaxTimestamp < 0) {
                    shallowOffsetOfMaxTimestamp = batch.lastOffset();
                }
                numRecords += (int) (batch.lastOffset() - batch.baseOffset() + 1);
            }
            maybeRoll(analyzed.validBytes(), analyzed.maxTimestamp(), analyzed.lastOffset(), analyzed.firstOffset(),
                time.milliseconds());
            for (MutableRecordBatch batch : analyzed.records().batches()) {
                maybeAssignEpochStartOffset(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            localLog.append(analyzed.lastOffset(), analyzed.maxTimestamp(), shallowOffsetOfMaxTimestamp,
                analyzed.records());
            producerAppends.values().forEach(producerStateManager::update);
            producerStateManager.updateMapEndOffset(analyzed.lastOffset() + 1);
            maybeFlushAfterAppend(config);
            return new LogAppendInfo(analyzed.firstOffset(), analyzed.lastOffset(), analyzed.maxTimestamp(),
                shallowOffsetOfMaxTimestamp, RecordBatch.NO_TIMESTAMP, logStartOffset, analyzed.validBytes(),
                numRecords, false);
        } catch (IOException e) {
            throw storageError("append to", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads whole record batches, the first being the one that contains {@code startOffset}. The start batch is
     * found with the offset index and a short forward scan. Never blocks on appends.
     *
     * @param startOffset        first offset wanted, in {@code [logStartOffset, logEndOffset]}
     * @param maxBytes           byte limit; batches are never split, and a batch that does not fit ends the read
     * @param maxOffsetExclusive batches whose last offset is at or above it are not returned: the high watermark
     *                           for consumers, the log end offset (or {@link Long#MAX_VALUE}) for replicas
     * @param minOneMessage      Kafka's rule: return the first batch whole even if it exceeds {@code maxBytes},
     *                           so a consumer can always make progress
     * @return a zero-copy {@code FileRecords} slice of one segment, or {@code MemoryRecords.EMPTY} when nothing
     *         is available (including {@code startOffset == logEndOffset})
     * @throws OffsetOutOfRangeException OFFSET_OUT_OF_RANGE if {@code startOffset} is below the log start offset
     *                                   or above the log end offset
     * @throws IllegalArgumentException  if {@code maxBytes} is negative
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        long start = logStartOffset;
        LogOffsetMetadata end = localLog.logEndOffsetMetadata();
        if (startOffset < start || startOffset > end.messageOffset()) {
            throw new OffsetOutOfRangeException("Received request for offset " + startOffset + " for partition "
                + topicPartition + ", but we only have log segments from offset " + start + " up to "
                + end.messageOffset() + ".");
        }
        return new FetchDataInfo(startOffset, localLog.read(startOffset, maxBytes, maxOffsetExclusive,
            minOneMessage, end));
    }

    /** The log start offset (inclusive): the first offset that may be read. */
    public long logStartOffset() {
        return logStartOffset;
    }

    /** The log end offset (exclusive): the offset the next appended record gets. */
    public long logEndOffset() {
        return localLog.logEndOffset();
    }

    /** The log end offset with its segment and byte position. */
    public LogOffsetMetadata logEndOffsetMetadata() {
        return localLog.logEndOffsetMetadata();
    }

    /**
     * The high watermark (exclusive end of committed data), kept here so it is checkpointed with the log. After
     * a restart it starts at the checkpointed value (clamped to the recovered log), or at the log start offset;
     * the recovered log end offset is never assumed committed.
     */
    public long highWatermark() {
        return highWatermark;
    }

    /**
     * Sets the high watermark, clamped to {@code [logStartOffset, logEndOffset]}.
     *
     * @return the high watermark now in force
     */
    public long updateHighWatermark(long offset) {
        lock.lock();
        try {
            highWatermark = clamp(offset);
            return highWatermark;
        } finally {
            lock.unlock();
        }
    }

    /** The offset up to which the log is known to be fsynced (exclusive). */
    public long recoveryPoint() {
        return localLog.recoveryPoint();
    }

    /** Wall-clock time of the last flush, ms (from the injected {@link Time}). */
    public long lastFlushTime() {
        return localLog.lastFlushedMs();
    }

    /**
     * ListOffsets by timestamp: the first record at or after the log start offset whose timestamp is at least
     * {@code timestampMs}, found with the time index. Negative ListOffsets sentinels (LATEST -1, EARLIEST -2,
     * MAX_TIMESTAMP -3) are for the caller to map to {@link #latestOffset()}, {@link #earliestOffset()} and
     * {@link #maxTimestampOffset()}; restricting the answer to the high watermark is also the caller's.
     *
     * @return the offset, its timestamp and leader epoch; empty if no record is that recent
     */
    public Optional<OffsetAndTimestamp> offsetForTimestamp(long timestampMs) {
        return localLog.searchOffsetByTimestamp(timestampMs, logStartOffset).map(PartitionLog::toOffsetAndTimestamp);
    }

    /** ListOffsets MAX_TIMESTAMP (KIP-734): the first record carrying the log's largest timestamp. */
    public Optional<OffsetAndTimestamp> maxTimestampOffset() {
        return localLog.searchMaxTimestamp().map(PartitionLog::toOffsetAndTimestamp);
    }

    /**
     * ListOffsets EARLIEST: the log start offset, with the epoch of the earliest leader epoch entry if it starts at
     * or before it (as Kafka).
     */
    public OffsetAndTimestamp earliestOffset() {
        long start = logStartOffset;
        int epoch = leaderEpochCache.earliestEntry().filter(e -> e.startOffset() <= start)
            .map(EpochEntry::epoch).orElse(-1);
        return new OffsetAndTimestamp(start, RecordBatch.NO_TIMESTAMP, epoch);
    }

    /** ListOffsets LATEST for replicas: the log end offset and latest leader epoch (consumers use the HW). */
    public OffsetAndTimestamp latestOffset() {
        return new OffsetAndTimestamp(logEndOffset(), RecordBatch.NO_TIMESTAMP,
            leaderEpochCache.latestEpoch().orElse(-1));
    }

    /**
     * Moves the log start offset forward (DeleteRecords, tiering); older segments are deleted by the next
     * retention run. Also trims the leader epoch cache and producer state.
     *
     * @return true if the log start offset moved
     * @throws OffsetOutOfRangeException OFFSET_OUT_OF_RANGE if {@code newLogStartOffset} is above the high
     *                                   watermark
     */
    public boolean maybeIncrementLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            if (newLogStartOffset > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot increment the log start offset to " + newLogStartOffset
                    + " of partition " + topicPartition + " since it is larger than the high watermark "
                    + highWatermark);
            }
            if (newLogStartOffset <= logStartOffset) {
                return false;
            }
            logStartOffset = newLogStartOffset;
            leaderEpochCache.truncateFromStart(newLogStartOffset);
            producerStateManager.onLogStartOffsetIncremented(newLogStartOffset);
            localLog.updateRecoveryPointAtLeast(newLogStartOffset);
            LOG.info("{}: incremented log start offset to {}", topicPartition, newLogStartOffset);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes everything at and above {@code offset} (follower truncation after OffsetForLeaderEpoch; expected to
     * be a batch boundary). Truncates the leader epoch cache, reloads producer state and lowers the high
     * watermark if needed. A no-op if {@code offset >= logEndOffset}.
     *
     * @return true if anything was removed
     */
    public boolean truncateTo(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot truncate partition " + topicPartition + " to a negative offset");
        }
        lock.lock();
        try {
            ensureOpen();
            if (offset >= localLog.logEndOffset()) {
                return false;
            }
            long firstBase = localLog.segments().firstSegment().orElseThrow().baseOffset();
            if (firstBase > offset) {
                truncateFullyAndStartAt(offset);
                return true;
            }
            LOG.info("{}: truncating to offset {}", topicPartition, offset);
            localLog.truncateTo(offset);
            leaderEpochCache.truncateFromEnd(offset);
            logStartOffset = Math.min(offset, logStartOffset);
            rebuildProducerState(offset);
            highWatermark = clamp(highWatermark);
            return true;
        } catch (IOException e) {
            throw storageError("truncate", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every segment and restarts the log, empty, at {@code newOffset} (a follower far behind the leader's
     * log start offset). Clears the leader epoch cache and producer state.
     */
    public void truncateFullyAndStartAt(long newOffset) {
        lock.lock();
        try {
            ensureOpen();
            LOG.info("{}: truncating fully and starting at offset {}", topicPartition, newOffset);
            localLog.truncateFullyAndStartAt(newOffset);
            leaderEpochCache.clear();
            producerStateManager.truncateFullyAndStartAt(newOffset);
            logStartOffset = newOffset;
            highWatermark = newOffset;
        } catch (IOException e) {
            throw storageError("truncate", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retention: deletes, oldest first, sealed segments that lie below the log start offset, then those over
     * {@code retention.bytes}, then those older than {@code retention.ms} (by their largest timestamp). Never
     * deletes the active segment or a segment reaching the high watermark. The log start offset moves to the
     * first remaining segment; files are removed after {@code file.delete.delay.ms}.
     *
     * @return the number of segments deleted
     */
    public int deleteRetentionBreachedSegments() {
        lock.lock();
        try {
            ensureOpen();
            LogConfig config = localLog.config();
            int deleted = deleteSegments(RetentionRules.belowLogStartOffset(logStartOffset), "log start offset");
            deleted += deleteSegments(RetentionRules.retentionBytesBreached(config.retentionBytes(), localLog.sizeInBytes()),
                "retention.bytes " + config.retentionBytes());
            deleted += deleteSegments(RetentionRules.retentionMsBreached(config.retentionMs(), time.milliseconds()),
                "retention.ms " + config.retentionMs());
            return deleted;
        } catch (IOException e) {
            throw storageError("delete segments of", e);
        } finally {
            lock.unlock();
        }
    }

    private int deleteSegments(RetentionRules.Condition condition, String reason) throws IOException {
        List<LogSegment> deletable = RetentionRules.deletable(localLog.segments().values(), highWatermark, condition);
        if (deletable.isEmpty()) {
            return 0;
        }
        LogSegment lastDeleted = deletable.get(deletable.size() - 1);
        long newLogStartOffset = localLog.segments().higherSegment(lastDeleted.baseOffset()).orElseThrow().baseOffset();
        maybeIncrementLogStartOffset(newLogStartOffset);
        localLog.removeAndDeleteSegments(deletable, true);
        producerStateManager.deleteSnapshotsBefore(newLogStartOffset);
        LOG.info("{}: deleted segments {} due to {}; log start offset is {}", topicPartition,
            deletable.stream().map(LogSegment::baseOffset).toList(), reason, logStartOffset);
        return deletable.size();
    }

    /** Forgets producer ids idle for {@code producer.id.expiration.ms}; returns how many were removed. */
    public int removeExpiredProducers() {
        lock.lock();
        try {
            return producerStateManager.removeExpiredProducers(time.milliseconds());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Seals the active segment and starts a new one at the log end offset (no-op if the active segment is empty).
     * Writes a producer snapshot and flushes the sealed segment in the background.
     */
    public void roll() {
        lock.lock();
        try {
            ensureOpen();
            rollAt(localLog.logEndOffset());
        } catch (IOException e) {
            throw storageError("roll", e);
        } finally {
            lock.unlock();
        }
    }

    /** Fsyncs everything up to the log end offset and advances the recovery point to it. */
    public void flush() {
        flushUpTo(localLog.logEndOffset());
    }

    /**
     * Fsyncs the segments holding offsets below {@code offset} (capped at the log end offset) and advances the
     * recovery point. The fsync runs outside the log's lock.
     */
    public void flushUpTo(long offset) {
        long target = Math.min(offset, localLog.logEndOffset());
        if (target <= localLog.recoveryPoint()) {
            return;
        }
        try {
            localLog.flush(target);
        } catch (IOException e) {
            throw storageError("flush", e);
        }
        lock.lock();
        try {
            localLog.markFlushed(Math.min(target, localLog.logEndOffset()));
        } finally {
            lock.unlock();
        }
    }

    /** The leader epoch cache (OffsetForLeaderEpoch, follower truncation). */
    public LeaderEpochCache leaderEpochCache() {
        return leaderEpochCache;
    }

    /**
     * Records {@code leaderEpoch} as starting at {@code startOffset} if it is newer than the latest epoch; a new
     * leader calls it with its log end offset when it takes over (as Kafka's {@code maybeAssignEpochStartOffset}).
     */
    public void maybeAssignEpochStartOffset(int leaderEpoch, long startOffset) {
        assignEpochIfNewer(leaderEpochCache, leaderEpoch, startOffset);
    }

    private static void assignEpochIfNewer(LeaderEpochCache cache, int epoch, long startOffset) {
        if (epoch >= 0 && (cache.latestEpoch().isEmpty() || epoch > cache.latestEpoch().getAsInt())) {
            cache.assign(epoch, startOffset);
        }
    }

    /** A copy of the idempotent producer state, keyed by producer id (for DescribeProducers and tooling). */
    public Map<Long, ProducerStateEntry> activeProducers() {
        lock.lock();
        try {
            return producerStateManager.activeProducers();
        } finally {
            lock.unlock();
        }
    }

    /** Descriptions of all segments, oldest first; the last one is active. */
    public List<SegmentInfo> segments() {
        return localLog.segmentInfos();
    }

    /** Bytes on disk in {@code .log} files. */
    public long size() {
        return localLog.sizeInBytes();
    }

    public boolean isClosed() {
        return closed;
    }

    /** True after an I/O error: the log refuses writes with {@link KafkaStorageException} until reloaded. */
    public boolean isOffline() {
        return offline;
    }

    /**
     * Flushes, writes a producer snapshot at the log end offset, trims the active segment's indexes and closes
     * every file. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            flush();
            producerStateManager.updateMapEndOffset(localLog.logEndOffset());
            producerStateManager.takeSnapshot();
            closed = true;
            localLog.close();
        } catch (IOException e) {
            throw storageError("close", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases file handles and memory maps without flushing, trimming or snapshotting: the state a crash
     * leaves on disk. Used before deleting a log's directory, and by tests that simulate a crash.
     */
    public void closeHandlers() {
        lock.lock();
        try {
            closed = true;
            localLog.closeHandlers();
        } finally {
            lock.unlock();
        }
    }

    private LogAppendInfo duplicateAppendInfo(BatchMetadata duplicate, int validBytes, LogConfig config) {
        long appendTime = config.messageTimestampType() == TimestampType.LOG_APPEND_TIME
            ? duplicate.timestamp() : RecordBatch.NO_TIMESTAMP;
        LOG.debug("{}: duplicate batch at offsets [{}, {}] not appended again", topicPartition,
            duplicate.firstOffset(), duplicate.lastOffset());
        return new LogAppendInfo(duplicate.firstOffset(), duplicate.lastOffset(), duplicate.timestamp(), -1L,
            appendTime, logStartOffset, validBytes, duplicate.offsetDelta() + 1, true);
    }

    private void checkFitsSegment(int bytes, LogConfig config) {
        if (bytes > config.segmentBytes()) {
            throw new RecordBatchTooLargeException("Message batch size is " + bytes + " bytes in append to partition "
                + topicPartition + " which exceeds the maximum configured segment size of " + config.segmentBytes()
                + ".");
        }
    }

    private void maybeRoll(int messagesSize, long maxTimestamp, long maxOffset, long firstOffset, long now)
        throws IOException {
        if (localLog.activeSegment().shouldRoll(localLog.config(), messagesSize, maxTimestamp, maxOffset, now)) {
            rollAt(firstOffset);
        }
    }

    private void rollAt(long expectedNextOffset) throws IOException {
        LogSegment previous = localLog.activeSegment();
        LogSegment segment = localLog.roll(expectedNextOffset);
        if (segment == previous) {
            return;
        }
        producerStateManager.updateMapEndOffset(segment.baseOffset());
        producerStateManager.takeSnapshot();
        long flushOffset = segment.baseOffset();
        try {
            scheduler.execute(() -> {
                try {
                    flushUpTo(flushOffset);
                } catch (RuntimeException e) {
                    LOG.warn("{}: background flush up to {} failed", topicPartition, flushOffset, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: scheduler is shut down; rolled segment not flushed in the background", topicPartition);
        }
    }

    private void maybeFlushAfterAppend(LogConfig config) {
        if (localLog.logEndOffset() - localLog.recoveryPoint() >= config.flushMessages()) {
            flush();
        }
    }

    private void rebuildProducerState(long lastOffset) throws IOException {
        ProducerStateLoader.rebuild(producerStateManager, localLog.segments(), logStartOffset, lastOffset,
            time.milliseconds());
    }

    private long clamp(long offset) {
        return Math.max(logStartOffset, Math.min(offset, localLog.logEndOffset()));
    }

    private static OffsetAndTimestamp toOffsetAndTimestamp(FileRecords.TimestampAndOffset found) {
        return new OffsetAndTimestamp(found.offset, found.timestamp, found.leaderEpoch.orElse(-1));
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("The log of " + topicPartition + " is closed");
        }
        if (offline) {
            throw new KafkaStorageException("The log of " + topicPartition + " is offline after an I/O error");
        }
    }

    /**
     * An I/O error leaves the files in an unknown state (a partial batch may have been written), so the log stops
     * accepting writes, as Kafka takes a failed log dir offline; a restart recovers it.
     */
    private KafkaStorageException storageError(String action, IOException e) {
        LOG.error("{}: failed to {} the log in {}; the log is now offline", topicPartition, action, dir, e);
        offline = true;
        return new KafkaStorageException("Failed to " + action + " the log of " + topicPartition, e);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", logStartOffset=" + logStartOffset + ", logEndOffset="
            + logEndOffset() + ", highWatermark=" + highWatermark + ")";
    }
}
