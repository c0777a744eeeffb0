package io.sluice.storage.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Which old segments may be deleted (Kafka's {@code UnifiedLog.deletableSegments} and its three deletion
 * conditions, plus the tiered-storage rule of {@code isSegmentEligibleForDeletion}). Segments are considered oldest
 * first and the scan stops at the first one that may not go, so a log never gets holes. The active segment is
 * never deleted, nor any segment holding offsets at or above the high watermark (so the log start offset never
 * passes it).
 */
final class RetentionRules {
    /** A deletion condition on a candidate segment and the segment after it. */
    interface Condition {
        boolean shouldDelete(LogSegment segment, LogSegment next);
    }

    private RetentionRules() {
    }

    /** The oldest segments, in order, for which {@code condition} holds. */
    static List<LogSegment> deletable(List<LogSegment> segments, long highWatermark, Condition condition) {
        List<LogSegment> deletable = new ArrayList<>();
        for (int i = 0; i + 1 < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            LogSegment next = segments.get(i + 1);
            if (highWatermark < next.baseOffset() || !condition.shouldDelete(segment, next)) {
                break;
            }
            deletable.add(segment);
        }
        return deletable;
    }

    /** Segments wholly below the log start offset (moved by DeleteRecords). */
    static Condition belowLogStartOffset(long logStartOffset) {
        return (segment, next) -> next.baseOffset() <= logStartOffset;
    }

    /**
     * Tiered storage (KIP-405): the segment lies wholly in remote storage, i.e. its last offset
     * ({@code next.baseOffset() - 1}) is at most {@code highestOffsetInRemoteStorage} (inclusive; -1 = nothing
     * uploaded, so never).
     */
    static Condition inRemoteStorage(long highestOffsetInRemoteStorage) {
        return (segment, next) -> next.baseOffset() - 1 <= highestOffsetInRemoteStorage;
    }

    /**
     * Both conditions, {@code first} checked first: {@code second} is not asked (and its running byte count not
     * charged) for a segment {@code first} keeps.
     */
    static Condition both(Condition first, Condition second) {
        return (segment, next) -> first.shouldDelete(segment, next) && second.shouldDelete(segment, next);
    }

    /**
     * {@code retention.ms}: the segment's largest timestamp is more than {@code retentionMs} before {@code nowMs}.
     * Never when {@code retentionMs} is negative.
     */
    static Condition retentionMsBreached(long retentionMs, long nowMs) {
        return (segment, next) -> retentionMs >= 0 && nowMs - segment.largestTimestamp() > retentionMs;
    }

    /**
     * {@code retention.bytes}: delete oldest segments while the log stays at least {@code retentionBytes} large
     * without them. Never when {@code retentionBytes} is negative.
     */
    static Condition retentionBytesBreached(long retentionBytes, long logSize) {
        long[] excess = {logSize - retentionBytes};
        return (segment, next) -> {
            if (retentionBytes < 0 || excess[0] - segment.size() < 0) {
                return false;
            }
            excess[0] -= segment.size();
            return true;
        };
    }
}
