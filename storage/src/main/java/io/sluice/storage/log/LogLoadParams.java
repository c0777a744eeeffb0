package io.sluice.storage.log;

/**
 * What {@link LogManager} knows about a partition when it opens the log, from its log-dir level files.
 *
 * @param hadCleanShutdown         the log dir's clean-shutdown marker was present: no recovery needed
 * @param recoveryPointCheckpoint  offset up to which the log was flushed (from
 *                                 {@code recovery-point-offset-checkpoint}); recovery scans from the segment
 *                                 containing it. 0 when unknown (recover everything)
 * @param logStartOffsetCheckpoint log start offset (from {@code log-start-offset-checkpoint}); 0 when unknown.
 *                                 Raised to the first local segment's base offset unless the log's config has
 *                                 {@code remote.storage.enable} (then it may lie below the local segments)
 * @param highWatermarkCheckpoint  high watermark (from {@code replication-offset-checkpoint}); -1 when unknown, in
 *                                 which case the high watermark starts at the log start offset
 */
public record LogLoadParams(boolean hadCleanShutdown, long recoveryPointCheckpoint, long logStartOffsetCheckpoint,
                            long highWatermarkCheckpoint) {
    /**
     * Parameters for a log with no checkpoint entries: any existing data is fully recovered, the high watermark
     * starts at the log start offset.
     */
    public static LogLoadParams unknown() {
        return new LogLoadParams(false, 0L, 0L, -1L);
    }
}
