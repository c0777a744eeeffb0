package io.sluice.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The sparse offset index of one segment, Kafka's {@code .index} file format.
 *
 * <p><b>Format:</b> a sequence of 8-byte big-endian entries {@code [relativeOffset: int32][position: int32]}, where
 * {@code relativeOffset = offset - baseOffset} and {@code position} is the byte position in the segment's
 * {@code .log} file of the record batch whose <em>last</em> offset is {@code offset}. Offsets and positions are
 * strictly increasing. An entry is written once per {@code index.interval.bytes} of appended batches, so a lookup
 * gives the nearest batch at or before the target and the reader scans forward a few kilobytes at most. Memory
 * mapped, preallocated to {@code segment.index.bytes} and trimmed when the segment rolls (see
 * {@link AbstractIndex}); rebuilt from the {@code .log} file when missing or corrupt after a crash.
 *
 * <p>Thread-safe (see {@link AbstractIndex}); appends come from the log's writer only.
 */
public final class OffsetIndex extends AbstractIndex {
    /** Bytes per entry: 4-byte relative offset + 4-byte position. */
    public static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /**
     * Appends an entry.
     *
     * @param offset   absolute last offset of the batch at {@code position}; must be larger than the last entry's
     * @param position byte position of that batch in the {@code .log} file
     * @throws InvalidOffsetException if {@code offset} is not larger than the last offset indexed
     * @throws IllegalStateException  if the index is full (the log rolls before that)
     */
    public void append(long offset, int position) {
        lock.lock();
        try {
            if (isFull()) {
                throw new IllegalStateException("Attempt to append to a full index " + this);
            }
            int n = entries();
            if (n > 0 && offset <= lastOffset()) {
                throw new InvalidOffsetException("Attempt to append an offset " + offset + " to position " + n
                    + " no larger than the last offset appended (" + lastOffset() + ") to " + file());
            }
            int relative = relativeOffset(offset);
            buffer().putInt(n * ENTRY_SIZE, relative);
            buffer().putInt(n * ENTRY_SIZE + 4, position);
            incrementEntries();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The entry with the largest offset at most {@code targetOffset}, or {@code (baseOffset, 0)} if there is none:
     * the position from which to scan forward for the target.
     */
    public OffsetPosition lookup(long targetOffset) {
        lock.lock();
        try {
            int slot = largestLowerBoundSlot(targetOffset, this::offsetAt);
            return slot < 0 ? new OffsetPosition(baseOffset(), 0) : entry(slot);
        } finally {
            lock.unlock();
        }
    }

    /** The {@code n}-th entry (0-based). */
    public OffsetPosition entry(int n) {
        lock.lock();
        try {
            if (n < 0 || n >= entries()) {
                throw new IllegalArgumentException("Attempt to fetch entry " + n + " from " + this);
            }
            return new OffsetPosition(offsetAt(n), buffer().getInt(n * ENTRY_SIZE + 4));
        } finally {
            lock.unlock();
        }
    }

    /** The last offset indexed, or the base offset when empty. */
    public long lastOffset() {
        lock.lock();
        try {
            int n = entries();
            return n == 0 ? baseOffset() : offsetAt(n - 1);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every entry whose offset is at least {@code offset}. */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            truncateToEntries(countBelow(offset, this::offsetAt));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks: length a multiple of 8; relative offsets non-negative and strictly increasing; positions strictly
     * increasing and below {@code logSizeInBytes}. A crash leaves preallocated zero entries, which fail this.
     */
    @Override
    public void sanityCheck(long logSizeInBytes) {
        lock.lock();
        try {
            checkFileLength();
            long previousRelative = -1;
            long previousPosition = -1;
            for (int i = 0; i < entries(); i++) {
                int relative = buffer().getInt(i * ENTRY_SIZE);
                int position = buffer().getInt(i * ENTRY_SIZE + 4);
                if (relative <= previousRelative || position <= previousPosition || position >= logSizeInBytes) {
                    throw new CorruptIndexException("Corrupt index found, index file (" + file() + ") entry " + i
                        + " is (" + relative + ", " + position + ") after (" + previousRelative + ", "
                        + previousPosition + ") with log size " + logSizeInBytes);
                }
                previousRelative = relative;
                previousPosition = position;
            }
        } finally {
            lock.unlock();
        }
    }

    private long offsetAt(int slot) {
        return baseOffset() + buffer().getInt(slot * ENTRY_SIZE);
    }
}
