package io.sluice.tiering.read;

/**
 * Where to start scanning a {@code .log} object for an offset, from an offset index lookup.
 *
 * @param position      byte position of a batch in the {@code .log} object (0 if the index has no entry low enough)
 * @param indexedOffset the last offset of the batch at {@code position} according to the index, or -1 if no entry
 *                      was found (then {@code position} is 0, the segment's first batch)
 */
record IndexPosition(long position, long indexedOffset) {

    /** No index entry: scan from the first batch. */
    static final IndexPosition START = new IndexPosition(0, -1);
}
