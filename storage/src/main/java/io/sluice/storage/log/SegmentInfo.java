package io.sluice.storage.log;

import java.nio.file.Path;

/**
 * A description of one segment, for tiering (sealed segments are uploaded) and tooling.
 *
 * @param baseOffset       first offset the segment may hold (its file name)
 * @param nextOffset       offset after its last record (exclusive end): the next segment's base offset, or the
 *                         log end offset for the active segment
 * @param sizeInBytes      size of the {@code .log} file
 * @param largestTimestamp largest record timestamp in it, ms (the file's modification time if no record has a
 *                         timestamp, as Kafka's {@code LogSegment.largestTimestamp})
 * @param logFile          the {@code .log} file
 * @param offsetIndexFile  the {@code .index} file
 * @param timeIndexFile    the {@code .timeindex} file
 * @param active           true for the segment still being appended to
 */
public record SegmentInfo(long baseOffset, long nextOffset, int sizeInBytes, long largestTimestamp, Path logFile,
                          Path offsetIndexFile, Path timeIndexFile, boolean active) {
}
