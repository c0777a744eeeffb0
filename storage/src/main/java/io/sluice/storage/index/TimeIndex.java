package io.sluice.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The sparse time index of one segment, Kafka's {@code .timeindex} file format.
 *
 * <p><b>Format:</b> a sequence of 12-byte big-endian entries {@code [timestamp: int64][relativeOffset: int32]}:
 * the largest timestamp (ms) seen in the segment so far and the last offset of the batch that carries it,
 * relative to the base offset. Timestamps are strictly increasing, offsets non-decreasing. Entries are added
 * alongside {@link OffsetIndex} entries and once more when the segment becomes inactive, so the last entry of a
 * sealed segment holds the segment's largest timestamp. One slot is kept free for that final entry
 * ({@link #isFull()} is {@code entries >= maxEntries - 1}), as in Kafka.
 *
 * <p>Thread-safe (see {@link AbstractIndex}).
 */
public final class TimeIndex extends AbstractIndex {
    /** Bytes per entry: 8-byte timestamp + 4-byte relative offset. */
    public static final int ENTRY_SIZE = 12;
    private static final Logger LOG = LoggerFactory.getLogger(TimeIndex.class);

    public TimeIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** Full one entry early, keeping a slot for the entry written when the segment becomes inactive. */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** Same as {@code maybeAppend(timestamp, offset, false)}. */
    public void maybeAppend(long timestamp, long offset) {
        maybeAppend(timestamp, offset, false);
    }

    /**
     * Appends {@code (timestamp, offset)} if {@code timestamp} is larger than the last entry's; otherwise does
     * nothing.
     *
     * @param timestamp     largest timestamp so far, ms
     * @param offset        absolute last offset of the batch holding it
     * @param skipFullCheck true for the final entry of a segment becoming inactive (uses the reserved slot)
     * @throws InvalidOffsetException if {@code offset} is smaller than the last entry's offset
     * @throws IllegalStateException  if the index is full and {@code skipFullCheck} is false, or the timestamp
     *                                goes backwards
     */
    public void maybeAppend(long timestamp, long offset, boolean skipFullCheck) {
        lock.lock();
        try {
            if (!skipFullCheck && isFull()) {
                throw new IllegalStateException("Attempt to append to a full time index " + this);
            }
            int n = entries();
            TimestampOffset last = lastEntry();
            if (n > 0 && offset < last.offset()) {
                throw new InvalidOffsetException("Attempt to append an offset (" + offset + ") to slot " + n
                    + " no larger than the last offset appended (" + last.offset() + ") to " + file());
            }
            if (n > 0 && timestamp < last.timestamp()) {
                throw new IllegalStateException("Attempt to append a timestamp (" + timestamp + ") to slot " + n
                    + " no larger than the last timestamp appended (" + last.timestamp() + ") to " + file());
            }
            if (timestamp > last.timestamp()) {
                if (n >= maxEntries()) {
                    LOG.warn("Time index {} has no room for ({}, {}); entry skipped", file(), timestamp, offset);
                    return;
                }
                buffer().putLong(n * ENTRY_SIZE, timestamp);
                buffer().putInt(n * ENTRY_SIZE + 8, relativeOffset(offset));
                incrementEntries();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The entry with the largest timestamp at most {@code targetTimestamp}, or
     * {@code (NO_TIMESTAMP, baseOffset)} if there is none: where to start searching for the first record with a
     * timestamp at or above the target.
     */
    public TimestampOffset lookup(long targetTimestamp) {
        lock.lock();
        try {
            int slot = largestLowerBoundSlot(targetTimestamp, this::timestampAt);
            return slot < 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset()) : entry(slot);
        } finally {
            lock.unlock();
        }
    }

    /** The {@code n}-th entry (0-based). */
    public TimestampOffset entry(int n) {
        lock.lock();
        try {
            if (n < 0 || n >= entries()) {
                throw new IllegalArgumentException("Attempt to fetch entry " + n + " from " + this);
            }
            return new TimestampOffset(timestampAt(n), offsetAt(n));
        } finally {
            lock.unlock();
        }
    }

    /** The last entry, or {@code (NO_TIMESTAMP, baseOffset)} when empty. */
    public TimestampOffset lastEntry() {
        lock.lock();
        try {
            int n = entries();
            return n == 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset()) : entry(n - 1);
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
     * Checks: length a multiple of 12; timestamps strictly increasing; relative offsets non-negative and
     * non-decreasing.
     */
    @Override
    public void sanityCheck(long logSizeInBytes) {
        lock.lock();
        try {
            checkFileLength();
            long previousTimestamp = Long.MIN_VALUE;
            long previousRelative = 0;
            for (int i = 0; i < entries(); i++) {
                long timestamp = buffer().getLong(i * ENTRY_SIZE);
                int relative = buffer().getInt(i * ENTRY_SIZE + 8);
                if (timestamp <= previousTimestamp || relative < previousRelative) {
                    throw new CorruptIndexException("Corrupt time index found, time index file (" + file()
                        + ") entry " + i + " is (" + timestamp + ", " + relative + ") after (" + previousTimestamp
                        + ", " + previousRelative + ")");
                }
                previousTimestamp = timestamp;
                previousRelative = relative;
            }
        } finally {
            lock.unlock();
        }
    }

    private long timestampAt(int slot) {
        return buffer().getLong(slot * ENTRY_SIZE);
    }

    private long offsetAt(int slot) {
        return baseOffset() + buffer().getInt(slot * ENTRY_SIZE + 8);
    }
}
