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
 * segments rolled at other offsets than the previous leader's) cannot be registered as it is (registrations never
 * overlap). It is returned in {@link #straddling()} instead, and nothing after it: the caller uploads the part of it
 * from {@code nextRemoteOffset} on, so remote storage never gets a gap.
 *
 * @param segment    the segment to upload next as it is, if any
 * @param straddling the segment holding {@code nextRemoteOffset} in its middle, if that is what comes next
 */
record CopyCandidate(Optional<SegmentInfo> segment, Optional<SegmentInfo> straddling) {

    /**
     * @param segments         the partition's segments, oldest first ({@code PartitionLog.segments()})
     * @param highWatermark    the partition's high watermark (exclusive)
     * @param nextRemoteOffset the first offset not yet in remote storage (0 for an empty remote log)
     */
    static CopyCandidate select(List<SegmentInfo> segments, long highWatermark, long nextRemoteOffset) {
        for (SegmentInfo s : segments) {
            if (s.active() || s.nextOffset() > highWatermark) {
                break;
            }
            if (s.nextOffset() <= nextRemoteOffset || s.nextOffset() <= s.baseOffset() || s.sizeInBytes() <= 0) {
                continue;
            }
            if (s.baseOffset() < nextRemoteOffset) {
                return new CopyCandidate(Optional.empty(), Optional.of(s));
            }
            return new CopyCandidate(Optional.of(s), Optional.empty());
        }
        return new CopyCandidate(Optional.empty(), Optional.empty());
    }
}
