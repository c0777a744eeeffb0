package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.index.OffsetIndex;
import io.sluice.storage.index.OffsetPosition;
import io.sluice.storage.index.TimeIndex;
import io.sluice.storage.index.TimestampOffset;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One segment of a partition log (Kafka's {@code LogSegment}): the {@code <baseOffset>.log} file of record batches
 * stored exactly as appended, accessed through kafka-clients' {@link FileRecords}, plus its sparse
 * {@link OffsetIndex} and {@link TimeIndex}. Every {@code index.interval.bytes} of appended batches, the batch's
 * last offset and position go into the offset index and the largest timestamp so far into the time index.
 *
 * <p><b>Thread-safety:</b> mutating methods (append, truncate, recover, roll-related, close) are not thread-safe
 * and are called under the owning log's lock. {@link #read}, {@link #translateOffset} and
 * {@link #findOffsetByTimestamp} may run concurrently with an append: they only look at batches below a position
 * the caller knows to be complete.
 */
public final class LogSegment implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
    private final FileRecords log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long baseOffset;
    private final int indexIntervalBytes;
    private final Time time;
    private volatile long created;
    private volatile TimestampOffset maxTimestampAndOffsetSoFar = TimestampOffset.UNKNOWN;
    private OptionalLong rollingBasedTimestamp = OptionalLong.empty();
    private int bytesSinceLastIndexEntry;

    private LogSegment(FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex, long baseOffset,
                       int indexIntervalBytes, Time time) {
        this.log = log;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.time = time;
        this.created = time.milliseconds();
    }

    /**
     * Opens (or creates) the segment with {@code baseOffset} in {@code dir}. A missing index file is created
     * empty; the loader then rebuilds it with {@link #recover}.
     *
     * @param fileAlreadyExists true when loading an existing segment
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, boolean fileAlreadyExists)
        throws IOException {
        FileRecords log = FileRecords.open(LogFileNames.logFile(dir, baseOffset).toFile(), fileAlreadyExists, 0, false);
        OffsetIndex offsetIndex = null;
        try {
            offsetIndex = new OffsetIndex(LogFileNames.offsetIndexFile(dir, baseOffset), baseOffset,
                config.segmentIndexBytes());
            TimeIndex timeIndex = new TimeIndex(LogFileNames.timeIndexFile(dir, baseOffset), baseOffset,
                config.segmentIndexBytes());
            return new LogSegment(log, offsetIndex, timeIndex, baseOffset, config.indexIntervalBytes(), time);
        } catch (IOException | RuntimeException e) {
            if (offsetIndex != null) {
                offsetIndex.closeHandler();
            }
            Utils.closeQuietly(log, "segment log");
            throw e;
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** The {@code .log} file's records; batches from it are backed by the open channel. */
    public FileRecords log() {
        return log;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /** Size of the {@code .log} file in bytes. */
    public int size() {
        return log.sizeInBytes();
    }

    /** Largest record timestamp appended so far, ms, or -1. */
    public long maxTimestampSoFar() {
        return maxTimestampAndOffsetSoFar.timestamp();
    }

    /** Last offset of the batch holding {@link #maxTimestampSoFar()}, or -1. */
    public long shallowOffsetOfMaxTimestampSoFar() {
        return maxTimestampAndOffsetSoFar.offset();
    }

    /**
     * The timestamp retention compares against: the largest record timestamp, or the {@code .log} file's
     * modification time when no record has a timestamp (Kafka's {@code LogSegment.largestTimestamp}).
     */
    public long largestTimestamp() {
        long max = maxTimestampSoFar();
        return max >= 0 ? max : lastModified();
    }

    public long lastModified() {
        try {
            return Files.getLastModifiedTime(log.file().toPath()).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    /**
     * Appends batches whose offsets are already assigned and adds index entries when due.
     *
     * @param largestOffset               last offset in {@code records}
     * @param largestTimestamp            largest timestamp in {@code records}, ms
     * @param shallowOffsetOfMaxTimestamp last offset of the batch holding {@code largestTimestamp}
     * @throws IllegalStateException if {@code largestOffset} does not fit relative to the base offset (the log
     *                               rolls before that can happen)
     */
    public void append(long largestOffset, long largestTimestamp, long shallowOffsetOfMaxTimestamp,
                       MemoryRecords records) throws IOException {
        if (records.sizeInBytes() == 0) {
            return;
        }
        if (!canConvertToRelativeOffset(largestOffset)) {
            throw new IllegalStateException("Offset " + largestOffset + " cannot be appended to segment " + this);
        }
        int physicalPosition = log.sizeInBytes();
        if (physicalPosition == 0) {
            rollingBasedTimestamp = OptionalLong.of(largestTimestamp);
        }
        log.append(records);
        for (RecordBatch batch : records.batches()) {
            if (batch.maxTimestamp() > maxTimestampSoFar()) {
                maxTimestampAndOffsetSoFar = new TimestampOffset(batch.maxTimestamp(), batch.lastOffset());
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                offsetIndex.append(batch.lastOffset(), physicalPosition);
                timeIndex.maybeAppend(maxTimestampSoFar(), shallowOffsetOfMaxTimestampSoFar());
                bytesSinceLastIndexEntry = 0;
            }
            physicalPosition += batch.sizeInBytes();
            bytesSinceLastIndexEntry += batch.sizeInBytes();
        }
    }

    /**
     * The position and size of the first batch whose last offset is at least {@code offset}: an index lookup,
     * then a forward scan from the indexed position. Thread-safe.
     *
     * @return the batch, or null if no batch of this segment reaches {@code offset}
     */
    public FileRecords.LogOffsetPosition translateOffset(long offset) {
        OffsetPosition mapping = offsetIndex.lookup(offset);
        return log.searchForOffsetFromPosition(offset, mapping.position());
    }

    /**
     * Reads whole batches starting with the one containing {@code startOffset}. Thread-safe.
     *
     * @param startOffset         first offset wanted
     * @param maxBytes            byte limit; batches are never split
     * @param maxPosition         byte position (exclusive) not to read beyond (end of the last complete append)
     * @param maxOffsetExclusive  batches whose last offset is at or above this are not returned;
     *                            {@link Long#MAX_VALUE} for no limit
     * @param minOneMessage       return the first batch whole even if it is larger than {@code maxBytes}
     * @return null if this segment has no batch reaching {@code startOffset} below {@code maxPosition};
     *         {@code MemoryRecords.EMPTY} if the first batch is excluded by a limit; else a {@code FileRecords}
     *         slice
     */
    public Records read(long startOffset, int maxBytes, int maxPosition, long maxOffsetExclusive,
                        boolean minOneMessage) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("Invalid max size " + maxBytes + " for log read from segment " + log);
        }
        FileRecords.LogOffsetPosition start = translateOffset(startOffset);
        if (start == null || start.position >= maxPosition) {
            return null;
        }
        int bytes = 0;
        boolean checkOffsets = maxOffsetExclusive != Long.MAX_VALUE;
        for (FileChannelRecordBatch batch : log.batchesFrom(start.position)) {
            int size = batch.sizeInBytes();
            if (batch.position() + size > maxPosition) {
                break;
            }
            if (checkOffsets && batch.lastOffset() >= maxOffsetExclusive) {
                break;
            }
            if ((long) bytes + size > maxBytes && !(bytes == 0 && minOneMessage)) {
                break;
            }
            bytes += size;
        }
        return bytes == 0 ? MemoryRecords.EMPTY : log.slice(start.position, bytes);
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is at least {@code timestamp}: a
     * time-index lookup, an offset-index lookup, then a forward scan (Kafka's {@code findOffsetByTimestamp}).
     * Thread-safe.
     */
    public Optional<FileRecords.TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) {
        TimestampOffset timestampOffset = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(Math.max(timestampOffset.offset(), startingOffset)).position();
        return Optional.ofNullable(log.searchForTimestamp(timestamp, position, startingOffset));
    }

    /** The offset after the last batch of this segment, or the base offset if it is empty. */
    public long readNextOffset() {
        int position = offsetIndex.lookup(Long.MAX_VALUE).position();
        long next = baseOffset;
        for (FileChannelRecordBatch batch : log.batchesFrom(position)) {
            next = batch.nextOffset();
        }
        return next;
    }

    /** True if {@code offset} can be stored relative to the base offset in this segment's indexes. */
    public boolean canConvertToRelativeOffset(long offset) {
        return offsetIndex.canAppendOffset(offset);
    }

    /**
     * Whether the log must roll before appending, as Kafka's {@code LogSegment.shouldRoll}: the segment would
     * exceed {@code segment.bytes}; it is non-empty and {@code segment.ms} has passed since its first batch
     * (measured between record timestamps when they exist, else since the segment was created); an index is
     * full; or {@code maxOffsetInMessages} does not fit relative to the base offset.
     */
    public boolean shouldRoll(LogConfig config, int messagesSize, long maxTimestampInMessages,
                              long maxOffsetInMessages, long nowMs) {
        boolean reachedRollMs = timeWaitedForRoll(nowMs, maxTimestampInMessages) > config.segmentMs();
        int size = size();
        return size > config.segmentBytes() - messagesSize
            || (size > 0 && reachedRollMs)
            || offsetIndex.isFull()
            || timeIndex.isFull()
            || !canConvertToRelativeOffset(maxOffsetInMessages);
    }

    private long timeWaitedForRoll(long nowMs, long messageTimestamp) {
        loadFirstBatchTimestamp();
        if (rollingBasedTimestamp.isPresent() && rollingBasedTimestamp.getAsLong() >= 0) {
            return messageTimestamp - rollingBasedTimestamp.getAsLong();
        }
        return nowMs - created;
    }

    private void loadFirstBatchTimestamp() {
        if (rollingBasedTimestamp.isEmpty()) {
            var batches = log.batches().iterator();
            if (batches.hasNext()) {
                rollingBasedTimestamp = OptionalLong.of(batches.next().maxTimestamp());
            }
        }
    }

    /**
     * Seals the segment when the log rolls past it: writes the final time-index entry (the segment's largest
     * timestamp) and trims both indexes and the {@code .log} file to their used size.
     */
    public void onBecomeInactiveSegment() throws IOException {
        if (maxTimestampSoFar() >= 0) {
            timeIndex.maybeAppend(maxTimestampSoFar(), shallowOffsetOfMaxTimestampSoFar(), true);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        log.trim();
    }

    /** Sizes both index files to {@code size} bytes (the active segment's indexes are preallocated again). */
    public void resizeIndexes(int size) throws IOException {
        offsetIndex.resize(size);
        timeIndex.resize(size);
    }

    /**
     * Checks both indexes (see {@link OffsetIndex#sanityCheck}, {@link TimeIndex#sanityCheck}) and takes the
     * largest timestamp from the time index's last entry, which a sealed or cleanly closed segment always has
     * (as Kafka does; no scan of the {@code .log} file).
     *
     * @throws io.sluice.storage.index.CorruptIndexException if an index is inconsistent
     */
    public void sanityCheck() {
        offsetIndex.sanityCheck(log.sizeInBytes());
        timeIndex.sanityCheck(log.sizeInBytes());
        TimestampOffset lastEntry = timeIndex.lastEntry();
        maxTimestampAndOffsetSoFar = lastEntry.timestamp() >= 0 ? lastEntry : TimestampOffset.UNKNOWN;
    }

    /**
     * Rebuilds both indexes from the {@code .log} file, validating every batch's CRC, and truncates the file at
     * the first invalid or incomplete batch (Kafka's {@code LogSegment.recover}).
     *
     * @param onValidBatch called for every valid batch in order (the log uses it to rebuild leader epochs)
     * @return the number of bytes truncated from the end
     */
    public int recover(Consumer<RecordBatch> onValidBatch) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        int validBytes = 0;
        int lastIndexEntry = 0;
        maxTimestampAndOffsetSoFar = TimestampOffset.UNKNOWN;
        try {
            for (FileChannelRecordBatch batch : log.batches()) {
                batch.ensureValid();
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                    throw new CorruptRecordException("Unexpected magic " + batch.magic() + " in " + log.file());
                }
                if (!canConvertToRelativeOffset(batch.lastOffset()) || batch.baseOffset() < baseOffset) {
                    throw new CorruptRecordException("Batch offsets [" + batch.baseOffset() + ", "
                        + batch.lastOffset() + "] do not belong to segment " + baseOffset);
                }
                if (batch.maxTimestamp() > maxTimestampSoFar()) {
                    maxTimestampAndOffsetSoFar = new TimestampOffset(batch.maxTimestamp(), batch.lastOffset());
                }
                if (validBytes - lastIndexEntry > indexIntervalBytes) {
                    offsetIndex.append(batch.lastOffset(), validBytes);
                    timeIndex.maybeAppend(maxTimestampSoFar(), shallowOffsetOfMaxTimestampSoFar());
                    lastIndexEntry = validBytes;
                }
                validBytes += batch.sizeInBytes();
                onValidBatch.accept(batch);
            }
        } catch (CorruptRecordException | InvalidRecordException e) {
            LOG.warn("Found invalid batch in log segment {} at byte position {}: {}", log.file(), validBytes,
                e.getMessage());
        }
        int truncated = log.sizeInBytes() - validBytes;
        if (truncated > 0) {
            LOG.warn("Truncated {} invalid bytes at the end of segment {} during recovery", truncated, log.file());
        }
        log.truncateTo(validBytes);
        offsetIndex.trimToValidSize();
        if (maxTimestampSoFar() >= 0) {
            timeIndex.maybeAppend(maxTimestampSoFar(), shallowOffsetOfMaxTimestampSoFar(), true);
        }
        timeIndex.trimToValidSize();
        bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
        rollingBasedTimestamp = OptionalLong.empty();
        return truncated;
    }

    /**
     * Removes every batch from the one containing {@code offset} on, and the index entries at or above it; the
     * indexes are preallocated again since this segment becomes the active one. {@code offset} is expected to
     * be a batch boundary.
     *
     * @return the number of bytes truncated
     */
    public int truncateTo(long offset) throws IOException {
        FileRecords.LogOffsetPosition mapping = translateOffset(offset);
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        resizeIndexes(offsetIndex.maxIndexSize());
        int truncated = mapping == null ? 0 : log.truncateTo(mapping.position);
        if (log.sizeInBytes() == 0) {
            created = time.milliseconds();
            rollingBasedTimestamp = OptionalLong.empty();
        }
        bytesSinceLastIndexEntry = 0;
        maxTimestampAndOffsetSoFar = readLargestTimestamp();
        return truncated;
    }

    private TimestampOffset readLargestTimestamp() {
        TimestampOffset lastEntry = timeIndex.lastEntry();
        int position = offsetIndex.lookup(lastEntry.offset()).position();
        FileRecords.TimestampAndOffset after = log.largestTimestampAfter(position);
        if (after.timestamp > lastEntry.timestamp()) {
            return new TimestampOffset(after.timestamp, after.offset);
        }
        return lastEntry.timestamp() >= 0 ? lastEntry : TimestampOffset.UNKNOWN;
    }

    /** Forces the {@code .log} file and both indexes to the storage device. */
    public void flush() throws IOException {
        log.flush();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames the three files from suffix {@code oldSuffix} to {@code newSuffix} (e.g. "" → ".deleted"). */
    public void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        log.renameTo(withSuffix(log.file().toPath(), oldSuffix, newSuffix).toFile());
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), oldSuffix, newSuffix));
        timeIndex.renameTo(withSuffix(timeIndex.file(), oldSuffix, newSuffix));
    }

    private static Path withSuffix(Path file, String oldSuffix, String newSuffix) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(oldSuffix) ? name.substring(0, name.length() - oldSuffix.length()) : name;
        return file.resolveSibling(stem + newSuffix);
    }

    /** Closes the files and deletes them. */
    public void deleteIfExists() throws IOException {
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        log.deleteIfExists();
    }

    /** Writes the final time-index entry, trims the indexes and closes every file. */
    @Override
    public void close() throws IOException {
        if (maxTimestampSoFar() >= 0) {
            timeIndex.maybeAppend(maxTimestampSoFar(), shallowOffsetOfMaxTimestampSoFar(), true);
        }
        Utils.closeAll(offsetIndex, timeIndex, log);
    }

    /** Releases file handles and maps without trimming or writing anything, as a crash would leave them. */
    public void closeHandlers() {
        offsetIndex.closeHandler();
        timeIndex.closeHandler();
        try {
            log.closeHandlers();
        } catch (IOException e) {
            LOG.warn("Error closing {}", log.file(), e);
        }
    }

    /** A description of this segment. */
    public SegmentInfo info(long nextOffset, boolean active) {
        return new SegmentInfo(baseOffset, nextOffset, size(), largestTimestamp(), log.file().toPath(),
            offsetIndex.file(), timeIndex.file(), active);
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size() + ", largestRecordTimestamp="
            + maxTimestampSoFar() + ")";
    }
}
