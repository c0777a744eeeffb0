package io.sluice.broker.tiering;

import io.sluice.storage.log.SegmentInfo;

import java.util.List;
import java.util.Optional;

/**
 * Which local segment a partition leader uploads next (KIP-405's copy rule, as in Kafka's
 * {@code RemoteLogManager.RLMCopyTask}): the oldest sealed, non-empty segment that lies wholly below the high
 * watermark ({@code nextOffset <= highWatermark}) and starts at or after the remote log's next offset
 * ({@code RemoteLogState.nextOffset()}, one past the highest registered offset).
 *
 * <p>A segment that straddles that boundary ({@code baseOffset < nextRemoteOffset < nextOffset}: a new leader whose
 * segments rolled at other offsets than the previous leader's) cannot be registered (registrations never overlap);
 * it is skipped, leaving a gap in remote storage that local retention must not delete. It is reported in
 * {@link #straddling()} so the caller can log it.
 *
 * @param segment    the segment to upload next, if any
 * @param straddling a segment skipped because it straddles {@code nextRemoteOffset}, if any
 */
record CopyCandidate(Optional<SegmentInfo> segment, Optional<SegmentInfo> straddling) {

    /**
     * @param segments         the partition's segments, oldest first ({@code PartitionLog.segments()})
     * @param highWatermark    the partition's high watermark (exclusive)
     * @param nextRemoteOffset the first offset not yet in remote storage (0 for an empty remote log)
     */
    static CopyCandidate select(List<SegmentInfo> segments, long highWatermark, long nextRemoteOffset) {
        Optional<SegmentInfo> straddling = Optional.empty();
        for (SegmentInfo s : segments) {
            if (s.active() || s.nextOffset() > highWatermark) {
                break;
            }
            if (s.nextOffset() <= nextRemoteOffset || s.nextOffset() <= s.baseOffset() || s.sizeInBytes() <= 0) {
                continue;
            }
            if (s.baseOffset() < nextRemoteOffset) {
                straddling = Optional.of(s);
                continue;
            }
            return new CopyCandidate(Optional.of(s), straddling);
        }
        return new CopyCandidate(Optional.empty(), straddling);
    }
}
