package io.sluice.loadtests.replay;

/**
 * Where one partition's records live, from three {@code ListOffsets} answers (KIP-405's offset specs).
 *
 * @param partition the partition id
 * @param logEndOffset {@code OffsetSpec.latest()}: the high watermark, exclusive end of the readable records
 * @param localLogStartOffset {@code OffsetSpec.earliestLocal()} (KIP-1005): the first offset still on the broker's
 *     disk; records below it are served from the object store
 * @param highestTieredOffset {@code OffsetSpec.latestTiered()} (KIP-1005): the last offset (inclusive) held by an
 *     uploaded segment, or {@code -1} if nothing is uploaded yet
 */
public record PartitionTiering(int partition, long logEndOffset, long localLogStartOffset, long highestTieredOffset) {

    /** @return records below the local log start offset (the log start offset is 0: the topic has no retention) */
    public long remoteRecords() {
        return Math.max(0, Math.min(localLogStartOffset, logEndOffset));
    }

    /** @return records still on the broker's disk: {@code logEndOffset - localLogStartOffset} */
    public long localRecords() {
        return Math.max(0, logEndOffset - Math.max(0, localLogStartOffset));
    }
}
