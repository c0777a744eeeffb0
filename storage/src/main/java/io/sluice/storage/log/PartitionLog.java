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
import org.apache.kafka.common.errors.OffsetMovedToTieredStorageException;
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
 * The log of one partition replica (Kafka's {@code UnifiedLog} without transactions): record batches in Kafka's
 * on-disk format in {@code <logDir>/<topic>-<partition>}, with producer deduplication, the leader epoch cache, the
 * log start offset, the high watermark, retention, and the local side of tiered storage (KIP-405).
 *
 * <p><b>Offsets:</b> {@link #logStartOffset()} (inclusive) is the first offset that can be read, locally or from
 * remote storage; {@link #localLogStartOffset()} (inclusive) is the first offset on local disk;
 * {@link #logEndOffset()} (exclusive) is the next offset to be assigned; {@link #highWatermark()} (exclusive) is
 * the end of the committed data. Always {@code logStartOffset ≤ localLogStartOffset ≤ logEndOffset} and
 * {@code logStartOffset ≤ highWatermark ≤ logEndOffset}.
 *
 * <p><b>Tiered storage</b> ({@link LogConfig#remoteStorageEnable()}): the broker uploads sealed segments and reports
 * the last uploaded offset with {@link #updateHighestOffsetInRemoteStorage}; retention then deletes uploaded
 * segments under {@code local.retention.*}, which moves only the local log start offset. Offsets in
 * {@code [logStartOffset, localLogStartOffset)} are served by the broker from remote storage: {@link #read} answers
 * them with {@link OffsetMovedToTieredStorageException}. The log start offset moves by remote retention and
 * DeleteRecords ({@link #maybeIncrementLogStartOffset}). With remote storage disabled the two start offsets are
 * always equal and the log behaves as before tiering existed.
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
    private volatile long localLogStartOffset;
    private volatile long highestOffsetInRemoteStorage = -1L;
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
        this.localLogStartOffset = Math.max(logStartOffset, firstLocalSegmentBaseOffset());
        this.partitionMetadataFile = PartitionMetadataFile.in(dir);
        this.topicId = partitionMetadataFile.read();
    }

    /**
     * Opens the log in {@code dir} (created if missing), recovering it as {@code params} requires: loads and
     * checks segments, truncates a torn tail, rebuilds indexes, reconciles the leader epoch cache with the log's
     * offsets and rebuilds producer state from the latest snapshot plus the batches after it.
     *
     * <p>The log start offset is {@code params.logStartOffsetCheckpoint()}, raised to the first local segment's base
     * offset unless {@link LogConfig#remoteStorageEnable()} (then offsets below the local segments are taken to be
     * in remote storage, as Kafka's {@code LogLoader}). An empty directory starts with log start offset, local log
     * start offset and log end offset all equal to that checkpoint (0 when unknown). The highest offset in remote
     * storage is not persisted: it starts at -1, so local retention deletes nothing already tiered until the broker
     * reports it again with {@link #updateHighestOffsetInRemoteStorage}.
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
            localLogStartOffset = logStartOffset;
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

    /**
     * Applies a changed topic configuration; size and index settings apply to segments created from now on. Turning
     * {@code remote.storage.enable} off (KIP-950, the broker deletes the remote data) moves the log start offset up
     * to the local log start offset, so that the tiered offsets are no longer offered.
     */
    public void updateConfig(LogConfig config) {
        lock.lock();
        try {
            localLog.updateConfig(config);
            producerStateManager.setProducerIdExpirationMs(config.producerIdExpirationMs());
            if (!config.remoteStorageEnable() && logStartOffset < localLogStartOffset) {
                maybeIncrementLogStartOffset(localLogStartOffset);
            }
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
     * @param startOffset        first offset wanted, in {@code [localLogStartOffset, logEndOffset]}
     * @param maxBytes           byte limit; batches are never split, and a batch that does not fit ends the read
     * @param maxOffsetExclusive batches whose last offset is at or above it are not returned: the high watermark
     *                           for consumers, the log end offset (or {@link Long#MAX_VALUE}) for replicas
     * @param minOneMessage      Kafka's rule: return the first batch whole even if it exceeds {@code maxBytes},
     *                           so a consumer can always make progress
     * @return a zero-copy {@code FileRecords} slice of one segment, or {@code MemoryRecords.EMPTY} when nothing
     *         is available (including {@code startOffset == logEndOffset})
     * @throws OffsetOutOfRangeException            OFFSET_OUT_OF_RANGE if {@code startOffset} is below the log
     *                                              start offset or above the log end offset
     * @throws OffsetMovedToTieredStorageException OFFSET_MOVED_TO_TIERED_STORAGE if {@code startOffset} is in
     *                                              {@code [logStartOffset, localLogStartOffset)}: the offset exists
     *                                              only in remote storage (the broker reads it from there; a
     *                                              follower restarts at the leader's local log start offset)
     * @throws IllegalArgumentException             if {@code maxBytes} is negative
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        long localStart = localLogStartOffset;
        long start = logStartOffset;
        LogOffsetMetadata end = localLog.logEndOffsetMetadata();
        if (startOffset < start || startOffset > end.messageOffset()) {
            throw new OffsetOutOfRangeException("Received request for offset " + startOffset + " for partition "
                + topicPartition + ", but we only have log segments from offset " + start + " up to "
                + end.messageOffset() + ".");
        }
        if (startOffset < localStart) {
            throw new OffsetMovedToTieredStorageException("Offset " + startOffset + " of partition " + topicPartition
                + " is in remote storage: the local log starts at offset " + localStart + " and the log at "
                + start + ".");
        }
        return new FetchDataInfo(startOffset, localLog.read(startOffset, maxBytes, maxOffsetExclusive,
            minOneMessage, end));
    }

    /**
     * The log start offset (inclusive): the first offset that may be read, locally or (with tiered storage) from
     * remote storage. Checkpointed in {@code log-start-offset-checkpoint}.
     */
    public long logStartOffset() {
        return logStartOffset;
    }

    /**
     * The local log start offset (inclusive), Kafka's {@code localLogStartOffset}: the first offset on local disk,
     * the base offset of the first local segment unless the log start offset lies inside that segment. Equals
     * {@link #logStartOffset()} when nothing was tiered away and always with remote storage disabled.
     * {@code logStartOffset ≤ localLogStartOffset ≤ logEndOffset}. Not persisted: derived from the segments on
     * load.
     */
    public long localLogStartOffset() {
        return localLogStartOffset;
    }

    /**
     * The last offset (inclusive) the broker has registered in remote storage, Kafka's
     * {@code highestOffsetInRemoteStorage}; -1 if none is known. Local retention never deletes a segment holding
     * an offset above it. Not persisted: -1 after every load, until the broker reports it again.
     */
    public long highestOffsetInRemoteStorage() {
        return highestOffsetInRemoteStorage;
    }

    /**
     * Records that every offset up to {@code offset} (inclusive) is in remote storage (the broker calls it after
     * registering an uploaded segment, and when it learns the remote state after a restart or leader change). Only
     * moves forward; a lower value is ignored. It may exceed the log end offset (a replacement replica whose local
     * log starts late).
     *
     * @param offset the last offset in remote storage, at least -1
     * @throws IllegalArgumentException if {@code offset < -1}
     */
    public void updateHighestOffsetInRemoteStorage(long offset) {
        if (offset < -1) {
            throw new IllegalArgumentException("Invalid highest offset in remote storage " + offset + " for "
                + topicPartition);
        }
        lock.lock();
        try {
            if (offset > highestOffsetInRemoteStorage) {
                highestOffsetInRemoteStorage = offset;
                LOG.debug("{}: highest offset in remote storage is {}", topicPartition, offset);
            }
        } finally {
            lock.unlock();
        }
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
     * Sets the high watermark, clamped to {@code [localLogStartOffset, logEndOffset]} (offsets below the local log
     * start offset were committed before they could be tiered and deleted locally).
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
     * ListOffsets by timestamp: the first record at or after the local log start offset whose timestamp is at
     * least {@code timestampMs}, found with the time index. Only <b>local</b> segments are searched: with tiered
     * storage the broker first searches the remote segments (their {@code maxTimestamp}) and uses this answer for
     * offsets at or after {@link #localLogStartOffset()}, as Kafka's {@code fetchOffsetByTimestamp} does with its
     * remote offset reader. Negative ListOffsets sentinels (LATEST -1, EARLIEST -2, MAX_TIMESTAMP -3,
     * EARLIEST_LOCAL -4) are for the caller to map to {@link #latestOffset()}, {@link #earliestOffset()},
     * {@link #maxTimestampOffset()} and {@link #earliestLocalOffset()}; restricting the answer to the high
     * watermark is also the caller's.
     *
     * @return the offset, its timestamp and leader epoch; empty if no local record is that recent
     */
    public Optional<OffsetAndTimestamp> offsetForTimestamp(long timestampMs) {
        return localLog.searchOffsetByTimestamp(timestampMs, localLogStartOffset)
            .map(PartitionLog::toOffsetAndTimestamp);
    }

    /**
     * ListOffsets MAX_TIMESTAMP (KIP-734): the first record carrying the largest timestamp of the local segments
     * (the broker compares it with the remote segments' {@code maxTimestamp} when data was tiered).
     */
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

    /**
     * ListOffsets EARLIEST_LOCAL_TIMESTAMP (-4, KIP-405): the local log start offset with the leader epoch it was
     * written in (-1 if unknown). With remote storage disabled it answers exactly as {@link #earliestOffset()}, as
     * Kafka does.
     */
    public OffsetAndTimestamp earliestLocalOffset() {
        if (!localLog.config().remoteStorageEnable()) {
            return earliestOffset();
        }
        long localStart = localLogStartOffset;
        return new OffsetAndTimestamp(localStart, RecordBatch.NO_TIMESTAMP,
            leaderEpochCache.epochForOffset(localStart).orElse(-1));
    }

    /** ListOffsets LATEST for replicas: the log end offset and latest leader epoch (consumers use the HW). */
    public OffsetAndTimestamp latestOffset() {
        return new OffsetAndTimestamp(logEndOffset(), RecordBatch.NO_TIMESTAMP,
            leaderEpochCache.latestEpoch().orElse(-1));
    }

    /**
     * Moves the log start offset forward (DeleteRecords; remote retention, which deleted the oldest remote
     * segments). Also trims the leader epoch cache and producer state. A new log start offset below the local log
     * start offset leaves the local segments alone; one above it moves the local log start offset with it, and the
     * segments wholly below it are deleted by the next retention run.
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
            if (newLogStartOffset > localLogStartOffset) {
                localLogStartOffset = newLogStartOffset;
            }
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
     * watermark if needed. A no-op if {@code offset >= logEndOffset}. If {@code offset} is below the first local
     * segment the log restarts empty at {@code offset}, keeping a log start offset that is lower (the offsets below
     * are still in remote storage).
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
                truncateFullyAndStartAt(offset, Math.min(offset, logStartOffset));
                return true;
            }
            LOG.info("{}: truncating to offset {}", topicPartition, offset);
            localLog.truncateTo(offset);
            leaderEpochCache.truncateFromEnd(offset);
            logStartOffset = Math.min(offset, logStartOffset);
            localLogStartOffset = Math.max(logStartOffset, firstBase);
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
     * log start offset): {@code truncateFullyAndStartAt(newOffset, newOffset)}.
     */
    public void truncateFullyAndStartAt(long newOffset) {
        truncateFullyAndStartAt(newOffset, newOffset);
    }

    /**
     * Deletes every segment and restarts the local log, empty, at {@code newLocalLogStartOffset}, with the log
     * start offset at {@code newLogStartOffset} (Kafka's {@code truncateFullyAndStartAt(offset, logStartOffset)}).
     * A follower uses it when the leader answered OFFSET_MOVED_TO_TIERED_STORAGE: it starts its local log at the
     * leader's local log start offset and takes the leader's log start offset, then restores the leader epochs of
     * the offsets in between from remote storage with {@link #restoreLeaderEpochs} (or
     * {@code leaderEpochCache().assign}, oldest epoch first, before appending). Clears the leader epoch cache and
     * producer state; the high watermark becomes {@code newLocalLogStartOffset}. The highest offset in remote
     * storage is kept.
     *
     * @throws IllegalArgumentException if {@code newLogStartOffset} is negative or above
     *                                  {@code newLocalLogStartOffset}
     * @throws KafkaStorageException    KAFKA_STORAGE_ERROR if the files cannot be deleted or created
     */
    public void truncateFullyAndStartAt(long newLocalLogStartOffset, long newLogStartOffset) {
        if (newLogStartOffset < 0 || newLogStartOffset > newLocalLogStartOffset) {
            throw new IllegalArgumentException("Cannot start the log of " + topicPartition + " at log start offset "
                + newLogStartOffset + " and local log start offset " + newLocalLogStartOffset);
        }
        lock.lock();
        try {
            ensureOpen();
            LOG.info("{}: truncating fully and starting the local log at offset {}, log start offset {}",
                topicPartition, newLocalLogStartOffset, newLogStartOffset);
            localLog.truncateFullyAndStartAt(newLocalLogStartOffset);
            leaderEpochCache.clear();
            producerStateManager.truncateFullyAndStartAt(newLocalLogStartOffset);
            logStartOffset = newLogStartOffset;
            localLogStartOffset = newLocalLogStartOffset;
            highWatermark = newLocalLogStartOffset;
        } catch (IOException e) {
            throw storageError("truncate", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Restores the leader epochs of the offsets below the local log start offset (a follower that started with
     * {@link #truncateFullyAndStartAt(long, long)}; the lineage comes from the remote segment's leader epoch
     * checkpoint). Entries below the local log start offset are replaced by {@code lineage}, entries from local
     * batches are kept, the result is trimmed at the log start offset and written to
     * {@code leader-epoch-checkpoint} before returning.
     *
     * @param lineage leader epochs and their start offsets, strictly increasing in both; entries at or above the
     *                local log start offset are ignored
     * @throws IllegalArgumentException if {@code lineage} is not strictly increasing, or newer than the epochs of
     *                                  the local batches
     * @throws KafkaStorageException    KAFKA_STORAGE_ERROR if the checkpoint cannot be written
     */
    public void restoreLeaderEpochs(List<EpochEntry> lineage) {
        lock.lock();
        try {
            ensureOpen();
            leaderEpochCache.restoreHistory(lineage, localLogStartOffset);
            leaderEpochCache.truncateFromStart(logStartOffset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retention (Kafka's {@code deleteOldSegments}): deletes, oldest first, sealed segments that lie wholly below
     * the log start offset, then those over the byte limit, then those older than the time limit (by their
     * largest timestamp). Never deletes the active segment or a segment reaching the high watermark; files are
     * removed after {@code file.delete.delay.ms}.
     *
     * <ul>
     *   <li>Remote storage disabled: the limits are {@code retention.bytes} and {@code retention.ms}, and the log
     *       start offset moves to the first remaining segment.</li>
     *   <li>Remote storage enabled (KIP-405): the limits are {@link LogConfig#effectiveLocalRetentionBytes()} (over
     *       the local log size) and {@link LogConfig#effectiveLocalRetentionMs()}, and they only delete a segment
     *       that lies wholly in remote storage: its last offset (the next segment's base offset - 1) is at most
     *       {@link #highestOffsetInRemoteStorage()}. A segment not yet uploaded stays whatever its age or the local
     *       size. Only the local log start offset moves; the log start offset moves by remote retention through
     *       {@link #maybeIncrementLogStartOffset}, and the leader epoch cache keeps the tiered offsets' epochs.</li>
     * </ul>
     *
     * @return the number of segments deleted
     * @throws KafkaStorageException KAFKA_STORAGE_ERROR if the segment files cannot be renamed
     */
    public int deleteRetentionBreachedSegments() {
        lock.lock();
        try {
            ensureOpen();
            LogConfig config = localLog.config();
            int deleted = deleteSegments(RetentionRules.belowLogStartOffset(logStartOffset), "log start offset");
            if (config.remoteStorageEnable()) {
                RetentionRules.Condition uploaded = RetentionRules.inRemoteStorage(highestOffsetInRemoteStorage);
                long bytes = config.effectiveLocalRetentionBytes();
                long ms = config.effectiveLocalRetentionMs();
                deleted += deleteSegments(RetentionRules.both(uploaded,
                    RetentionRules.retentionBytesBreached(bytes, localLog.sizeInBytes())),
                    "local.retention.bytes " + bytes);
                deleted += deleteSegments(RetentionRules.both(uploaded,
                    RetentionRules.retentionMsBreached(ms, time.milliseconds())), "local.retention.ms " + ms);
            } else {
                deleted += deleteSegments(RetentionRules.retentionBytesBreached(config.retentionBytes(),
                    localLog.sizeInBytes()), "retention.bytes " + config.retentionBytes());
                deleted += deleteSegments(RetentionRules.retentionMsBreached(config.retentionMs(),
                    time.milliseconds()), "retention.ms " + config.retentionMs());
            }
            return deleted;
        } catch (IOException e) {
            throw storageError("delete segments of", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the oldest segments for which {@code condition} holds. The start offsets move before the segments
     * leave the segment map (as Kafka), so a concurrent reader is refused rather than finding no segment.
     */
    private int deleteSegments(RetentionRules.Condition condition, String reason) throws IOException {
        List<LogSegment> deletable = RetentionRules.deletable(localLog.segments().values(), highWatermark, condition);
        if (deletable.isEmpty()) {
            return 0;
        }
        LogSegment lastDeleted = deletable.get(deletable.size() - 1);
        long firstKept = localLog.segments().higherSegment(lastDeleted.baseOffset()).orElseThrow().baseOffset();
        if (localLog.config().remoteStorageEnable()) {
            localLogStartOffset = Math.max(localLogStartOffset, firstKept);
        } else {
            maybeIncrementLogStartOffset(firstKept);
        }
        localLog.removeAndDeleteSegments(deletable, true);
        producerStateManager.deleteSnapshotsBefore(firstKept);
        LOG.info("{}: deleted segments {} due to {}; log start offset is {}, local log start offset is {}",
            topicPartition, deletable.stream().map(LogSegment::baseOffset).toList(), reason, logStartOffset,
            localLogStartOffset);
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

    /**
     * Descriptions of all local segments, oldest first; the last one is active. The first starts at or below
     * {@link #localLogStartOffset()}.
     */
    public List<SegmentInfo> segments() {
        return localLog.segmentInfos();
    }

    /**
     * Writes a standalone sealed segment holding the batches of the local sealed segment {@code segmentBaseOffset}
     * from {@code fromOffset} (inclusive) to that segment's end, into {@code targetDir}, which must exist and be
     * empty. Tiered storage uses it after a leader change, when the remote log's next offset N falls inside a local
     * segment ({@code baseOffset < N < nextOffset}): only offsets from N on may be uploaded, and N is a batch boundary
     * because followers copy the leader's batches byte for byte.
     *
     * <p>The slice is named by base offset {@code fromOffset} as Kafka names segment files
     * ({@code <20-digit fromOffset>.log}, {@code .index}, {@code .timeindex}): the {@code .log} holds the source's
     * batches byte for byte (from the byte position of the batch starting at {@code fromOffset} to the end of the
     * segment; every batch's CRC is checked), and the two indexes are rebuilt over them by appending to a new
     * {@link LogSegment} with this log's {@code index.interval.bytes}, then sealed and trimmed as a roll does. The
     * files are not fsynced (a staging copy: the source remains). The source segment is not changed.
     *
     * <p>Runs on the caller's thread without this log's lock (the broker calls it from a background thread), so
     * appends, rolls and the deletion of other segments go on meanwhile. If the source segment is deleted (retention)
     * or truncated while it is copied, the slice's files are removed and {@link IllegalArgumentException} is thrown.
     *
     * @param segmentBaseOffset base offset of a local sealed (not the active) segment, as in {@link #segments()}
     * @param fromOffset        first offset of the slice: the base offset of a batch of that segment, or the
     *                          segment's base offset (the whole segment)
     * @param targetDir         an existing empty directory
     * @return the slice: {@code baseOffset = fromOffset}, {@code nextOffset} = the source segment's next offset
     *         (exclusive), {@code largestTimestamp} of the copied batches, {@code active = false}
     * @throws IllegalArgumentException if there is no local sealed segment {@code segmentBaseOffset} (unknown, the
     *                                  active segment, or deleted or truncated during the copy), {@code fromOffset}
     *                                  is outside {@code [baseOffset, nextOffset)} of it or not a batch's base
     *                                  offset, or {@code targetDir} is missing or not empty
     * @throws KafkaStorageException    KAFKA_STORAGE_ERROR on I/O errors or a corrupt source batch, or if this log
     *                                  is closed or offline; the log itself is not taken offline
     */
    public SegmentInfo copySegmentSlice(long segmentBaseOffset, long fromOffset, Path targetDir) {
        ensureOpen();
        return new SegmentSlicer(topicPartition, localLog.segments(), time)
            .copy(segmentBaseOffset, fromOffset, targetDir, localLog.config());
    }

    /**
     * Bytes of the local {@code .log} files: the local log only (segments already deleted locally after tiering
     * are not counted; remote sizes are the broker's). {@code local.retention.bytes} is compared against it.
     */
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

    /** {@code offset} bounded to {@code [localLogStartOffset, logEndOffset]}, for the high watermark. */
    private long clamp(long offset) {
        return Math.max(localLogStartOffset, Math.min(offset, localLog.logEndOffset()));
    }

    private long firstLocalSegmentBaseOffset() {
        return localLog.segments().firstSegment().orElseThrow().baseOffset();
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
        return "PartitionLog(" + topicPartition + ", logStartOffset=" + logStartOffset + ", localLogStartOffset="
            + localLogStartOffset + ", logEndOffset=" + logEndOffset() + ", highWatermark=" + highWatermark + ")";
    }
}
