package io.sluice.broker.tiering;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentState;

import java.util.ArrayList;
import java.util.List;

/**
 * Which remote segments the partition leader deletes: {@code retention.ms} and {@code retention.bytes} apply to the
 * whole log, local and remote (KIP-405; Kafka's {@code RemoteLogManager.RLMExpirationTask}), and segments wholly
 * below the log start offset (moved by DeleteRecords) go too.
 *
 * <p>Segments are considered oldest first and the scan stops at the first one that may stay, so remote storage never
 * gets holes: the log start offset then moves to the next remaining offset.
 */
final class RemoteRetention {

    private RemoteRetention() {
    }

    /**
     * @param segments         the partition's registrations sorted by base offset ({@code MetadataStore.remoteSegments});
     *                         only {@code COPY_FINISHED} ones are considered
     * @param logStartOffset   the partition's log start offset (inclusive)
     * @param retentionMs      {@code retention.ms}; negative = unlimited
     * @param retentionBytes   {@code retention.bytes}, per partition; negative = unlimited
     * @param onlyLocalBytes   bytes of local segments holding offsets above the highest remote offset (counted in the
     *                         log's size, as Kafka's {@code onlyLocalLogSegmentsSize})
     * @param nowMs            the current time, milliseconds since the epoch
     * @return the segments to delete, oldest first (a prefix of the readable ones)
     */
    static List<RemoteSegmentMetadata> select(List<RemoteSegmentMetadata> segments, long logStartOffset,
                                              long retentionMs, long retentionBytes, long onlyLocalBytes, long nowMs) {
        List<RemoteSegmentMetadata> readable = segments.stream()
                .filter(s -> s.state() == RemoteSegmentState.COPY_FINISHED).toList();
        long totalBytes = onlyLocalBytes + readable.stream().mapToLong(RemoteSegmentMetadata::sizeInBytes).sum();
        long excessBytes = retentionBytes < 0 ? 0 : totalBytes - retentionBytes;
        List<RemoteSegmentMetadata> deletable = new ArrayList<>();
        for (RemoteSegmentMetadata segment : readable) {
            boolean belowStart = segment.lastOffset() < logStartOffset;
            boolean overSize = retentionBytes >= 0 && excessBytes - segment.sizeInBytes() >= 0;
            boolean expired = retentionMs >= 0 && segment.maxTimestamp() >= 0
                    && nowMs - segment.maxTimestamp() > retentionMs;
            if (!belowStart && !overSize && !expired) {
                break;
            }
            excessBytes -= segment.sizeInBytes();
            deletable.add(segment);
        }
        return deletable;
    }
}
