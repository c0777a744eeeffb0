package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A remote segment's {@code .index} object, Kafka's offset index format: 8-byte big-endian entries
 * {@code [relativeOffset: int32][position: int32]}, where {@code baseOffset + relativeOffset} is the last offset of the
 * batch at byte {@code position} of the {@code .log}; entries are sparse (one per {@code index.interval.bytes}) and
 * the object is trimmed to its used size. Immutable once parsed; thread-safe.
 */
final class RemoteOffsetIndex implements CachedIndex {

    static final int ENTRY_SIZE = 8;

    private final long baseOffset;
    private final ByteBuffer entries;
    private final int count;

    private RemoteOffsetIndex(long baseOffset, ByteBuffer entries) {
        this.baseOffset = baseOffset;
        this.entries = entries;
        this.count = entries.capacity() / ENTRY_SIZE;
    }

    /**
     * Checks and wraps the bytes (whose checksum was verified): a whole number of entries, relative offsets and
     * positions non-negative and strictly increasing, offsets at most the segment's last offset, positions inside the
     * {@code .log} object (the checks of Kafka's {@code OffsetIndex.sanityCheck}).
     *
     * @return the index, or empty with the reason in {@code problem[0]}
     */
    static Optional<RemoteOffsetIndex> parse(ByteBuffer bytes, RemoteSegmentMetadata segment, String[] problem) {
        ByteBuffer data = bytes.slice().asReadOnlyBuffer();
        if (data.capacity() % ENTRY_SIZE != 0) {
            problem[0] = "offset index size " + data.capacity() + " is not a multiple of " + ENTRY_SIZE;
            return Optional.empty();
        }
        long previousOffset = -1;
        long previousPosition = -1;
        for (int at = 0; at < data.capacity(); at += ENTRY_SIZE) {
            long offset = segment.baseOffset() + data.getInt(at);
            long position = data.getInt(at + 4);
            if (offset < segment.baseOffset() || offset <= previousOffset || offset > segment.lastOffset()
                || position <= previousPosition || position >= segment.sizeInBytes()) {
                problem[0] = "offset index entry " + (at / ENTRY_SIZE) + " (offset " + offset + ", position "
                    + position + ") is out of order or outside the segment";
                return Optional.empty();
            }
            previousOffset = offset;
            previousPosition = position;
        }
        return Optional.of(new RemoteOffsetIndex(segment.baseOffset(), data));
    }

    /**
     * The entry with the largest offset at most {@code targetOffset} (binary search), or {@link IndexPosition#START}
     * if there is none: the position from which to scan forward for the batch holding {@code targetOffset}.
     */
    IndexPosition lookup(long targetOffset) {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (offsetAt(mid) <= targetOffset) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? IndexPosition.START : new IndexPosition(entries.getInt(found * ENTRY_SIZE + 4),
            offsetAt(found));
    }

    /** The number of entries. */
    int entries() {
        return count;
    }

    private long offsetAt(int n) {
        return baseOffset + entries.getInt(n * ENTRY_SIZE);
    }

    @Override
    public int sizeInBytes() {
        return entries.capacity();
    }
}
