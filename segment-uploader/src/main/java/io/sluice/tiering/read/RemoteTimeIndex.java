package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A remote segment's {@code .timeindex} object, Kafka's time index format: 12-byte big-endian entries
 * {@code [timestamp: int64][relativeOffset: int32]}: the largest timestamp seen in the segment so far (ms) and the
 * last offset of the batch carrying it, relative to the base offset. Timestamps and offsets never decrease. Immutable
 * once parsed; thread-safe.
 */
final class RemoteTimeIndex implements CachedIndex {

    static final int ENTRY_SIZE = 12;

    private final long baseOffset;
    private final ByteBuffer entries;
    private final int count;

    private RemoteTimeIndex(long baseOffset, ByteBuffer entries) {
        this.baseOffset = baseOffset;
        this.entries = entries;
        this.count = entries.capacity() / ENTRY_SIZE;
    }

    /**
     * Checks and wraps the bytes (whose checksum was verified): a whole number of entries, timestamps and offsets
     * non-decreasing, offsets inside the segment.
     *
     * @return the index, or empty with the reason in {@code problem[0]}
     */
    static Optional<RemoteTimeIndex> parse(ByteBuffer bytes, RemoteSegmentMetadata segment, String[] problem) {
        ByteBuffer data = bytes.slice().asReadOnlyBuffer();
        if (data.capacity() % ENTRY_SIZE != 0) {
            problem[0] = "time index size " + data.capacity() + " is not a multiple of " + ENTRY_SIZE;
            return Optional.empty();
        }
        long previousTimestamp = Long.MIN_VALUE;
        long previousOffset = -1;
        for (int at = 0; at < data.capacity(); at += ENTRY_SIZE) {
            long timestamp = data.getLong(at);
            long offset = segment.baseOffset() + data.getInt(at + 8);
            if (timestamp < previousTimestamp || offset < previousOffset || offset < segment.baseOffset()
                || offset > segment.lastOffset()) {
                problem[0] = "time index entry " + (at / ENTRY_SIZE) + " (timestamp " + timestamp + ", offset "
                    + offset + ") is out of order or outside the segment";
                return Optional.empty();
            }
            previousTimestamp = timestamp;
            previousOffset = offset;
        }
        return Optional.of(new RemoteTimeIndex(segment.baseOffset(), data));
    }

    /**
     * The offset of the entry with the largest timestamp at most {@code targetTimestamp} (binary search), or the base
     * offset if there is none (Kafka's {@code TimeIndex.lookup}). Each entry names the first batch that reached its
     * timestamp, so no record before that batch has a timestamp at least {@code targetTimestamp}: the caller scans
     * forward from that offset's offset index position.
     */
    long lookup(long targetTimestamp) {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (entries.getLong(mid * ENTRY_SIZE) <= targetTimestamp) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? baseOffset : baseOffset + entries.getInt(found * ENTRY_SIZE + 8);
    }

    @Override
    public int sizeInBytes() {
        return entries.capacity();
    }
}
