package io.sluice.storage.index;

/**
 * One {@link OffsetIndex} entry: an absolute offset and the byte position in the segment's {@code .log} file of
 * the batch whose last offset it is.
 *
 * @param offset   absolute offset (the index stores it relative to the segment's base offset)
 * @param position byte position of the batch in the {@code .log} file
 */
public record OffsetPosition(long offset, int position) {
}
