package io.sluice.storage.log;

/**
 * The state {@link LogLoader} recovered from a partition directory.
 *
 * @param segments          the segments, the last one being the active segment
 * @param logStartOffset    the log start offset
 * @param recoveryPoint     offset up to which the data is known to be flushed
 * @param logEndOffset      the log end offset with its position in the active segment
 */
record LoadedLog(LogSegments segments, long logStartOffset, long recoveryPoint, LogOffsetMetadata logEndOffset) {
}
