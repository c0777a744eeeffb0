package io.sluice.storage.log;

import java.nio.file.Path;

/**
 * A description of one local segment, for tiering (the broker uploads sealed segments and then, through local
 * retention, lets the log delete them) and tooling. A snapshot: the files may be renamed to {@code .deleted} by
 * retention right after it was taken.
 *
 * @param baseOffset       first offset the segment may hold (its file name)
 * @param nextOffset       offset after its last record (exclusive end): the next segment's base offset, or the
 *                         log end offset for the active segment
 * @param sizeInBytes      size of the {@code .log} file
 * @param largestTimestamp largest record timestamp in it, ms (the file's modification time if no record has a
 *                         timestamp, as Kafka's {@code LogSegment.largestTimestamp}); local retention by
 *                         {@code local.retention.ms} and {@code retention.ms} compares against it
 * @param logFile          the {@code .log} file
 * @param offsetIndexFile  the {@code .index} file
 * @param timeIndexFile    the {@code .timeindex} file
 * @param active           true for the segment still being appended to (never uploaded, never deleted)
 */
public record SegmentInfo(long baseOffset, long nextOffset, int sizeInBytes, long largestTimestamp, Path logFile,
                          Path offsetIndexFile, Path timeIndexFile, boolean active) {

    /**
     * The last offset the segment covers (inclusive), {@code nextOffset - 1}; it equals {@code baseOffset - 1} for
     * an empty segment. A segment lies wholly in remote storage once this is at most the highest offset in remote
     * storage ({@link PartitionLog#highestOffsetInRemoteStorage()}).
     */
    public long lastOffset() {
        return nextOffset - 1;
    }

    /** True once the segment was rolled: its files no longer change, so it may be uploaded. */
    public boolean sealed() {
        return !active;
    }

    /** True if the segment covers no offset ({@code nextOffset == baseOffset}). */
    public boolean isEmpty() {
        return nextOffset == baseOffset;
    }
}
