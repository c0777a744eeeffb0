package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.index.OffsetIndex;
import io.sluice.storage.index.TimeIndex;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Copies the tail of a sealed local segment, from a batch boundary to the segment's end, into a standalone sealed
 * segment in another directory (see {@link PartitionLog#copySegmentSlice}). Tiered storage needs it after a leader
 * change: the new leader's segment can straddle the remote log's next offset, and only the part from there on may be
 * uploaded.
 *
 * <p>The batches are copied byte for byte in chunks of at most {@value #CHUNK_BYTES} bytes (or one batch, if larger)
 * and appended to a new {@link LogSegment}, which builds the {@code .index} and {@code .timeindex} exactly as the log
 * does; the slice is then sealed as a roll seals a segment. Every copied batch's CRC is checked.
 *
 * <p><b>Thread-safety:</b> runs on the caller's thread without the log's lock, as {@link LocalLog#read} does. A
 * segment is sealed once a later segment is visible in the concurrent segment map (a roll seals and trims the old
 * segment before adding the new one), so its bytes no longer change unless the log truncates into it or deletes it.
 * Both are detected: after copying, the same segment object must still be in the map at its base offset, with the
 * same size and the same following segment; otherwise the slice is removed and the copy fails. Appends to the active
 * segment and deletion of other segments do not affect it.
 */
final class SegmentSlicer {
    /** Largest read from the source segment; a single larger batch is read whole. */
    static final int CHUNK_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSlicer.class);

    private final TopicPartition topicPartition;
    private final LogSegments segments;
    private final Time time;

    SegmentSlicer(TopicPartition topicPartition, LogSegments segments, Time time) {
        this.topicPartition = topicPartition;
        this.segments = segments;
        this.time = time;
    }

    /**
     * The part of a sealed segment to copy: bytes {@code [startPosition, endPosition)} of {@code segment}'s
     * {@code .log} file, holding offsets {@code [fromOffset, nextOffset)}.
     *
     * @param nextOffset the base offset of the segment after it when it was located (exclusive end)
     */
    record Source(LogSegment segment, long fromOffset, long nextOffset, int startPosition, int endPosition) {
        int length() {
            return endPosition - startPosition;
        }
    }

    /** Locates the slice and copies it: {@link #locate} then {@link #write}. */
    SegmentInfo copy(long segmentBaseOffset, long fromOffset, Path targetDir, LogConfig config) {
        Source source = locate(segmentBaseOffset, fromOffset);
        return write(source, targetDir, config);
    }

    /**
     * Finds the sealed segment {@code segmentBaseOffset} and the byte position of the batch that starts at
     * {@code fromOffset} ({@code 0} when {@code fromOffset} is the segment's base offset).
     *
     * @throws IllegalArgumentException if there is no such segment, it is the active segment, {@code fromOffset} is
     *                                  not in {@code [baseOffset, nextOffset)}, or no batch starts at it
     * @throws KafkaStorageException    if the segment cannot be read
     */
    Source locate(long segmentBaseOffset, long fromOffset) {
        LogSegment segment = segments.get(segmentBaseOffset).orElseThrow(() -> new IllegalArgumentException(
            topicPartition + " has no local segment with base offset " + segmentBaseOffset));
        long nextOffset = segments.higherSegment(segmentBaseOffset).map(LogSegment::baseOffset)
            .orElseThrow(() -> new IllegalArgumentException("Segment " + segmentBaseOffset + " of " + topicPartition
                + " is the active segment; only sealed segments can be sliced"));
        if (fromOffset < segmentBaseOffset || fromOffset >= nextOffset) {
            throw new IllegalArgumentException("Offset " + fromOffset + " is outside segment " + segmentBaseOffset
                + " of " + topicPartition + ", which holds offsets [" + segmentBaseOffset + ", " + nextOffset + ")");
        }
        int endPosition = segment.size();
        if (fromOffset == segmentBaseOffset) {
            return new Source(segment, fromOffset, nextOffset, 0, endPosition);
        }
        FileChannelRecordBatch batch;
        try {
            batch = batchReaching(segment, fromOffset, endPosition);
        } catch (KafkaException e) {
            throw copyFailure(new Source(segment, fromOffset, nextOffset, 0, endPosition), e);
        }
        if (batch == null || batch.baseOffset() != fromOffset) {
            throw new IllegalArgumentException("Offset " + fromOffset + " is not the base offset of a batch in segment "
                + segmentBaseOffset + " of " + topicPartition + (batch == null ? ""
                : "; the batch holding it spans [" + batch.baseOffset() + ", " + batch.lastOffset() + "]"));
        }
        return new Source(segment, fromOffset, nextOffset, batch.position(), endPosition);
    }

    /** The first batch below {@code endPosition} whose last offset is at least {@code offset}, or null. */
    private static FileChannelRecordBatch batchReaching(LogSegment segment, long offset, int endPosition) {
        int indexed = segment.offsetIndex().lookup(offset).position();
        for (FileChannelRecordBatch batch : segment.log().batchesFrom(indexed)) {
            if (batch.position() + batch.sizeInBytes() > endPosition) {
                return null;
            }
            if (batch.lastOffset() >= offset) {
                return batch;
            }
        }
        return null;
    }

    /**
     * Writes {@code source} as a sealed segment named by {@code source.fromOffset()} into {@code targetDir}, then
     * checks that the source segment was neither deleted nor truncated meanwhile. On any failure the slice's files
     * are removed, leaving {@code targetDir} empty.
     *
     * @throws IllegalArgumentException if {@code targetDir} is not an existing empty directory, or the source
     *                                  segment was deleted or truncated while being copied
     * @throws KafkaStorageException    on I/O errors, or a corrupt batch in a source segment that did not change
     */
    SegmentInfo write(Source source, Path targetDir, LogConfig config) {
        checkEmptyDirectory(targetDir);
        LogSegment slice;
        try {
            slice = LogSegment.open(targetDir, source.fromOffset(), sliceConfig(config, source.length()), time, false);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot create a segment slice of " + topicPartition + " in " + targetDir,
                e);
        }
        try {
            copyBatches(source, slice);
            slice.onBecomeInactiveSegment();
            if (!unchanged(source)) {
                throw changedWhileCopying(source, null);
            }
            SegmentInfo info = slice.info(source.nextOffset(), false);
            slice.close();
            LOG.info("{}: copied offsets [{}, {}) of segment {} ({} bytes) to {}", topicPartition,
                source.fromOffset(), source.nextOffset(), source.segment().baseOffset(), info.sizeInBytes(),
                info.logFile());
            return info;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(slice);
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw copyFailure(source, e);
        }
    }

    private void copyBatches(Source source, LogSegment slice) throws IOException {
        int position = source.startPosition();
        long nextOffset = source.fromOffset();
        boolean exactStart = source.startPosition() > 0;
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(CHUNK_BYTES, Math.max(source.length(), 1)));
        while (position < source.endPosition()) {
            buffer.clear();
            buffer.limit(Math.min(buffer.capacity(), source.endPosition() - position));
            source.segment().log().readInto(buffer, position);
            int batchBytes = completeBatchBytes(buffer);
            if (batchBytes == 0) {
                buffer = ByteBuffer.allocate(nextBatchSize(buffer, source.endPosition() - position));
                continue;
            }
            MemoryRecords chunk = MemoryRecords.readableRecords(buffer.slice(0, batchBytes));
            nextOffset = appendChunk(slice, chunk, nextOffset, exactStart, source);
            exactStart = false;
            position += batchBytes;
        }
        if (nextOffset > source.nextOffset()) {
            throw changedWhileCopying(source, null);
        }
    }

    /** Bytes of the whole batches at the start of {@code buffer} (0 if the first batch is cut off). */
    private static int completeBatchBytes(ByteBuffer buffer) {
        int bytes = 0;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
            bytes += batch.sizeInBytes();
        }
        return bytes;
    }

    /** The size of the batch at the start of {@code buffer}, which did not fit in it. */
    private static int nextBatchSize(ByteBuffer buffer, int remainingInSource) {
        if (buffer.remaining() < Records.LOG_OVERHEAD) {
            throw new CorruptRecordException("Truncated batch header: " + buffer.remaining() + " bytes");
        }
        int size = Records.LOG_OVERHEAD + buffer.getInt(buffer.position() + Records.SIZE_OFFSET);
        if (size <= buffer.remaining() || size > remainingInSource) {
            throw new CorruptRecordException("Batch of " + size + " bytes does not fit the " + remainingInSource
                + " bytes left in the segment");
        }
        return size;
    }

    /**
     * Checks the chunk's batches (magic v2, CRC, offsets increasing from {@code nextOffset}; the first batch of the
     * slice starting exactly at {@code fromOffset} when the slice starts inside the segment) and appends them.
     *
     * @return the next offset after the chunk's last batch
     */
    private static long appendChunk(LogSegment slice, MemoryRecords chunk, long nextOffset, boolean exactStart,
                                    Source source) throws IOException {
        long next = nextOffset;
        boolean mustStartAtNext = exactStart;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long offsetOfMaxTimestamp = -1L;
        for (MutableRecordBatch batch : chunk.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new CorruptRecordException("Unexpected magic " + batch.magic() + " in segment "
                    + source.segment().baseOffset());
            }
            batch.ensureValid();
            if (batch.baseOffset() < next || (mustStartAtNext && batch.baseOffset() != next)) {
                throw new CorruptRecordException("Batch [" + batch.baseOffset() + ", " + batch.lastOffset()
                    + "] does not follow offset " + (next - 1) + " in segment " + source.segment().baseOffset());
            }
            mustStartAtNext = false;
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
            next = batch.nextOffset();
        }
        slice.append(next - 1, maxTimestamp, offsetOfMaxTimestamp, chunk);
        return next;
    }

    /** True if the source segment is still the same sealed segment, with the size and end it had when located. */
    private boolean unchanged(Source source) {
        long base = source.segment().baseOffset();
        Optional<LogSegment> current = segments.get(base);
        Optional<Long> next = segments.higherSegment(base).map(LogSegment::baseOffset);
        return current.isPresent() && current.get() == source.segment()
            && source.segment().size() == source.endPosition()
            && next.isPresent() && next.get() == source.nextOffset();
    }

    /**
     * The exception for a failed copy: {@link IllegalArgumentException} if the source segment was deleted or
     * truncated meanwhile (it is no longer the segment that was located), else {@link KafkaStorageException}.
     */
    private RuntimeException copyFailure(Source source, Exception cause) {
        if (!unchanged(source)) {
            return changedWhileCopying(source, cause);
        }
        return new KafkaStorageException("Failed to copy offsets [" + source.fromOffset() + ", "
            + source.nextOffset() + ") of segment " + source.segment().baseOffset() + " of " + topicPartition, cause);
    }

    private IllegalArgumentException changedWhileCopying(Source source, Exception cause) {
        return new IllegalArgumentException("Segment " + source.segment().baseOffset() + " of " + topicPartition
            + " was deleted or truncated while offsets [" + source.fromOffset() + ", " + source.nextOffset()
            + ") were being copied; no slice was written", cause);
    }

    private void checkEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Target directory " + dir + " for a segment slice of " + topicPartition
                + " does not exist");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("Target directory " + dir + " for a segment slice of "
                    + topicPartition + " is not empty");
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot list " + dir, e);
        }
    }

    /**
     * The log's config with index files sized for the slice: large enough for every entry the slice can get (one
     * per batch at most, and one per {@code index.interval.bytes + 1} bytes at most, plus the time index's final
     * entry and its reserved slot), even if {@code segment.index.bytes} shrank since the source was written. The
     * files are trimmed when the slice is sealed.
     */
    private static LogConfig sliceConfig(LogConfig config, int sliceBytes) {
        long bytesPerEntry = Math.max(config.indexIntervalBytes() + 1L, DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        long maxEntries = sliceBytes / bytesPerEntry + 2;
        long indexBytes = Math.min(Integer.MAX_VALUE, maxEntries * Math.max(OffsetIndex.ENTRY_SIZE, TimeIndex.ENTRY_SIZE));
        return config.withSegmentIndexBytes((int) indexBytes);
    }

    private void deleteQuietly(LogSegment slice) {
        try {
            slice.deleteIfExists();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: could not delete the incomplete segment slice {}", topicPartition,
                LogFileNames.filenamePrefixFromOffset(slice.baseOffset()), e);
        }
    }
}
