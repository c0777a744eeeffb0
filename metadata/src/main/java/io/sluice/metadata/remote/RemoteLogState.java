package io.sluice.metadata.remote;

/**
 * The per-partition summary of the remote log, kept in one etcd key next to the segments and updated in the same
 * transaction as every registration and deletion. It is the point that serializes writers of a partition's remote
 * log, so two registrations can never overlap.
 *
 * @param highestOffset the highest {@code lastOffset} ever registered for the partition, inclusive (Kafka's
 *                      "highest remote offset"); -1 if nothing was ever registered. It never goes down, also not when
 *                      segments are deleted, so a range deleted by retention is never registered again.
 * @param segmentCount  registered segments in state {@code COPY_FINISHED} (readable)
 * @param sizeInBytes   the sum of their {@code sizeInBytes} (the remote log size that {@code retention.bytes}
 *                      counts)
 */
public record RemoteLogState(long highestOffset, int segmentCount, long sizeInBytes) {

    /** The state of a partition that never registered a segment. */
    public static final RemoteLogState EMPTY = new RemoteLogState(-1, 0, 0);

    public RemoteLogState {
        if (highestOffset < -1 || segmentCount < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("invalid remote log state (" + highestOffset + ", " + segmentCount
                + ", " + sizeInBytes + ")");
        }
    }

    /** The offset the next registered segment must start at or after: {@code highestOffset + 1}. */
    public long nextOffset() {
        return highestOffset + 1;
    }

    /** The state after registering {@code segment}. */
    public RemoteLogState afterRegistering(RemoteSegmentMetadata segment) {
        return new RemoteLogState(Math.max(highestOffset, segment.lastOffset()), segmentCount + 1,
            sizeInBytes + segment.sizeInBytes());
    }

    /** The state after {@code segment} (in {@code COPY_FINISHED}) became {@code DELETE_STARTED}. */
    public RemoteLogState afterDeleting(RemoteSegmentMetadata segment) {
        return new RemoteLogState(highestOffset, Math.max(0, segmentCount - 1),
            Math.max(0, sizeInBytes - segment.sizeInBytes()));
    }
}
