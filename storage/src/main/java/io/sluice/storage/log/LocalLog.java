package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.checkpoint.AtomicFiles;
import io.sluice.storage.index.TimestampOffset;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The segments of one partition and the offsets that describe them (Kafka's {@code LocalLog}): appends to the
 * active segment, rolls, reads, flushes, truncation and segment deletion. Knows nothing of producers, leader
 * epochs or the high watermark; {@link PartitionLog} layers those on top.
 *
 * <p><b>Thread-safety:</b> mutating methods are called under {@link PartitionLog}'s lock. {@link #read},
 * the timestamp searches and {@link #flush} run without it: they work on a snapshot of the segment map and of
 * the volatile log end offset, and read only bytes below that offset's position.
 */
final class LocalLog {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLog.class);
    private final Path dir;
    private final TopicPartition topicPartition;
    private final LogSegments segments;
    private final Time time;
    private final SegmentDeleter deleter;
    private volatile LogConfig config;
    private volatile long recoveryPoint;
    private volatile LogOffsetMetadata nextOffsetMetadata;
    private volatile long lastFlushedMs;
    private volatile boolean dirNeedsFlush;

    LocalLog(Path dir, TopicPartition topicPartition, LogConfig config, LoadedLog loaded, Time time,
             ScheduledExecutorService scheduler) {
        this.dir = dir;
        this.topicPartition = topicPartition;
        this.config = config;
        this.segments = loaded.segments();
        this.recoveryPoint = loaded.recoveryPoint();
        this.nextOffsetMetadata = loaded.logEndOffset();
        this.time = time;
        this.deleter = new SegmentDeleter(topicPartition, scheduler);
        this.lastFlushedMs = time.milliseconds();
    }

    LogConfig config() {
        return config;
    }

    void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    LogSegments segments() {
        return segments;
    }

    LogSegment activeSegment() {
        return segments.lastSegment().orElseThrow(() -> new IllegalStateException("Log has no segment"));
    }

    long logEndOffset() {
        return nextOffsetMetadata.messageOffset();
    }

    LogOffsetMetadata logEndOffsetMetadata() {
        return nextOffsetMetadata;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    long lastFlushedMs() {
        return lastFlushedMs;
    }

    long sizeInBytes() {
        return segments.sizeInBytes();
    }

    /** Appends to the active segment and moves the log end offset to {@code lastOffset + 1}. */
    void append(long lastOffset, long largestTimestamp, long shallowOffsetOfMaxTimestamp, MemoryRecords records)
        throws IOException {
        LogSegment active = activeSegment();
        active.append(lastOffset, largestTimestamp, shallowOffsetOfMaxTimestamp, records);
        nextOffsetMetadata = new LogOffsetMetadata(lastOffset + 1, active.baseOffset(), active.size());
    }

    /**
     * Seals the active segment and starts a new one at {@code max(expectedNextOffset, log end offset)}. If the
     * active segment is empty and already starts there, it is kept.
     *
     * @return the new active segment
     */
    LogSegment roll(long expectedNextOffset) throws IOException {
        long newOffset = Math.max(expectedNextOffset, logEndOffset());
        LogSegment active = activeSegment();
        if (segments.contains(newOffset)) {
            if (active.baseOffset() == newOffset && active.size() == 0) {
                return active;
            }
            throw new KafkaException("Trying to roll a new log segment for " + topicPartition + " with start offset "
                + newOffset + " while it already exists");
        }
        if (newOffset < active.baseOffset()) {
            throw new KafkaException("Trying to roll a new log segment for " + topicPartition + " with start offset "
                + newOffset + " lower than the active segment's base offset " + active.baseOffset());
        }
        Files.deleteIfExists(LogFileNames.logFile(dir, newOffset));
        Files.deleteIfExists(LogFileNames.offsetIndexFile(dir, newOffset));
        Files.deleteIfExists(LogFileNames.timeIndexFile(dir, newOffset));
        active.onBecomeInactiveSegment();
        LogSegment segment = LogSegment.open(dir, newOffset, config, time, false);
        segments.add(segment);
        dirNeedsFlush = true;
        nextOffsetMetadata = new LogOffsetMetadata(logEndOffset(), segment.baseOffset(), 0);
        LOG.info("{}: rolled new log segment at offset {}", topicPartition, newOffset);
        return segment;
    }

    /**
     * Reads whole batches from {@code startOffset} (already range-checked by the caller) up to {@code maxBytes}
     * and below {@code min(maxOffsetExclusive, end)}. Thread-safe.
     *
     * @param end the log end offset snapshot to read up to
     */
    Records read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage,
                 LogOffsetMetadata end) {
        long upper = Math.min(maxOffsetExclusive, end.messageOffset());
        if (startOffset >= upper) {
            return MemoryRecords.EMPTY;
        }
        Optional<LogSegment> current = segments.floorSegment(startOffset);
        while (current.isPresent()) {
            LogSegment segment = current.get();
            boolean endSegment = segment.baseOffset() == end.segmentBaseOffset();
            Optional<LogSegment> next = segments.higherSegment(segment.baseOffset());
            int maxPosition = endSegment ? end.relativePositionInSegment() : segment.size();
            long segmentEnd = endSegment ? end.messageOffset()
                : next.map(LogSegment::baseOffset).orElse(end.messageOffset());
            long offsetLimit = upper < segmentEnd ? upper : Long.MAX_VALUE;
            Records records = segment.read(startOffset, maxBytes, maxPosition, offsetLimit, minOneMessage);
            if (records != null) {
                return records;
            }
            if (endSegment) {
                break;
            }
            current = next;
        }
        return MemoryRecords.EMPTY;
    }

    /**
     * The first record at or after {@code startingOffset} with a timestamp at least {@code timestamp}, searching
     * the first segment whose largest timestamp reaches it (Kafka's {@code searchOffsetInLocalLog}). Thread-safe.
     */
    Optional<FileRecords.TimestampAndOffset> searchOffsetByTimestamp(long timestamp, long startingOffset) {
        for (LogSegment segment : segments.values()) {
            if (segment.largestTimestamp() >= timestamp) {
                return segment.findOffsetByTimestamp(timestamp, startingOffset);
            }
        }
        return Optional.empty();
    }

    /**
     * The first record holding the largest timestamp of the log (ListOffsets MAX_TIMESTAMP, KIP-734), found via
     * the segment with the largest timestamp and its indexes. Thread-safe.
     */
    Optional<FileRecords.TimestampAndOffset> searchMaxTimestamp() {
        LogSegment best = null;
        for (LogSegment segment : segments.values()) {
            if (best == null || segment.maxTimestampSoFar() > best.maxTimestampSoFar()) {
                best = segment;
            }
        }
        if (best == null || best.maxTimestampSoFar() < 0) {
            return Optional.empty();
        }
        TimestampOffset max = new TimestampOffset(best.maxTimestampSoFar(), best.shallowOffsetOfMaxTimestampSoFar());
        int position = best.offsetIndex().lookup(max.offset()).position();
        for (FileChannelRecordBatch batch : best.log().batchesFrom(position)) {
            if (batch.maxTimestamp() == max.timestamp()) {
                int epoch = batch.partitionLeaderEpoch();
                return batch.offsetOfMaxTimestamp().map(offset -> new FileRecords.TimestampAndOffset(max.timestamp(),
                    offset, epoch >= 0 ? Optional.of(epoch) : Optional.empty()));
            }
        }
        return Optional.empty();
    }

    /**
     * Forces the segments holding offsets in {@code [recoveryPoint, offset)} to disk, and the directory if
     * segments were created since the last flush. Runs without the log's lock; segments deleted meanwhile are
     * skipped.
     *
     * @return false if there was nothing to flush
     */
    boolean flush(long offset) throws IOException {
        long from = recoveryPoint;
        if (offset <= from) {
            return false;
        }
        for (LogSegment segment : segments.values(from, offset)) {
            try {
                segment.flush();
            } catch (ClosedChannelException e) {
                LOG.debug("{}: segment {} was closed while flushing", topicPartition, segment.baseOffset());
            }
        }
        if (dirNeedsFlush) {
            dirNeedsFlush = false;
            AtomicFiles.fsyncDirectory(dir);
        }
        return true;
    }

    /** Records that everything below {@code offset} is on disk. Called under the log's lock. */
    void markFlushed(long offset) {
        if (offset > recoveryPoint) {
            recoveryPoint = offset;
        }
        lastFlushedMs = time.milliseconds();
    }

    /** Moves the recovery point forward to {@code offset} if it is behind (the data below was deleted). */
    void updateRecoveryPointAtLeast(long offset) {
        if (recoveryPoint < offset) {
            recoveryPoint = offset;
        }
    }

    /**
     * Removes every batch from {@code targetOffset} on: later segments are deleted (after
     * {@code file.delete.delay.ms}) and the segment containing it is cut and becomes the active segment.
     */
    void truncateTo(long targetOffset) throws IOException {
        List<LogSegment> deletable = new ArrayList<>();
        for (LogSegment segment : segments.values()) {
            if (segment.baseOffset() > targetOffset) {
                deletable.add(segment);
            }
        }
        removeAndDeleteSegments(deletable, true);
        LogSegment active = activeSegment();
        active.truncateTo(targetOffset);
        nextOffsetMetadata = new LogOffsetMetadata(targetOffset, active.baseOffset(), active.size());
        if (recoveryPoint > targetOffset) {
            recoveryPoint = targetOffset;
        }
    }

    /** Deletes every segment and starts an empty one at {@code newOffset}. */
    void truncateFullyAndStartAt(long newOffset) throws IOException {
        removeAndDeleteSegments(segments.values(), true);
        LogSegment segment = LogSegment.open(dir, newOffset, config, time, false);
        segments.add(segment);
        dirNeedsFlush = true;
        nextOffsetMetadata = new LogOffsetMetadata(newOffset, newOffset, 0);
        recoveryPoint = newOffset;
    }

    /** Removes {@code toDelete} from the segment map, renames their files to {@code .deleted} and deletes them. */
    void removeAndDeleteSegments(List<LogSegment> toDelete, boolean async) throws IOException {
        if (toDelete.isEmpty()) {
            return;
        }
        segments.removeAll(toDelete);
        deleter.delete(toDelete, config.fileDeleteDelayMs(), async);
    }

    /** Descriptions of all segments, oldest first. */
    List<SegmentInfo> segmentInfos() {
        List<LogSegment> all = segments.values();
        LogOffsetMetadata end = nextOffsetMetadata;
        List<SegmentInfo> infos = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            boolean active = i == all.size() - 1;
            long next = active ? end.messageOffset() : all.get(i + 1).baseOffset();
            infos.add(all.get(i).info(next, active));
        }
        return infos;
    }

    void close() throws IOException {
        segments.close();
    }

    void closeHandlers() {
        segments.closeHandlers();
    }
}
