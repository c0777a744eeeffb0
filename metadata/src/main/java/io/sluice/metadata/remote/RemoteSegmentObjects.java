package io.sluice.metadata.remote;

import java.util.List;
import java.util.Objects;

/**
 * The objects one remote segment consists of, mirroring a local segment's files.
 *
 * @param log                   the {@code .log} file: record batches in Kafka's on-disk format, byte for byte
 * @param offsetIndex           the {@code .index} file (8-byte entries: 4-byte relative offset, 4-byte position)
 * @param timeIndex             the {@code .timeindex} file (12-byte entries: 8-byte timestamp, 4-byte relative
 *                              offset)
 * @param leaderEpochCheckpoint the leader epoch lineage from the log start up to the segment's last offset, in
 *                              Kafka's {@code leader-epoch-checkpoint} text format (what Kafka's
 *                              {@code RemoteLogManager} uploads as the segment's leader epoch index)
 */
public record RemoteSegmentObjects(RemoteObject log, RemoteObject offsetIndex, RemoteObject timeIndex,
                                   RemoteObject leaderEpochCheckpoint) {

    public RemoteSegmentObjects {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(offsetIndex, "offsetIndex");
        Objects.requireNonNull(timeIndex, "timeIndex");
        Objects.requireNonNull(leaderEpochCheckpoint, "leaderEpochCheckpoint");
    }

    /** All four objects: log, offset index, time index, leader epoch checkpoint. */
    public List<RemoteObject> all() {
        return List.of(log, offsetIndex, timeIndex, leaderEpochCheckpoint);
    }

    /** The keys of {@link #all()}. */
    public List<String> keys() {
        return all().stream().map(RemoteObject::key).toList();
    }
}
