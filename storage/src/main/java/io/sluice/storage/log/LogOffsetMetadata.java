package io.sluice.storage.log;

/**
 * An offset and where it lies on disk (Kafka's {@code LogOffsetMetadata}); used for the log end offset so that
 * concurrent readers never read past the bytes of the last complete append.
 *
 * @param messageOffset             the offset
 * @param segmentBaseOffset         base offset of the segment containing it
 * @param relativePositionInSegment byte position in that segment's {@code .log} file
 */
public record LogOffsetMetadata(long messageOffset, long segmentBaseOffset, int relativePositionInSegment) {
}
