package io.sluice.broker.coordinator.group;

import java.util.Objects;

/**
 * A committed offset of one partition for one group, as OffsetCommit stores it and OffsetFetch returns it (Kafka's
 * {@code OffsetAndMetadata}).
 *
 * @param offset            the next offset the group will consume (exclusive end of what it has processed); may be
 *                          any value the client sent, Kafka does not validate it against the log
 * @param leaderEpoch       the leader epoch of the last consumed record (KIP-320), or {@link #NO_LEADER_EPOCH} (-1)
 * @param metadata          the client's metadata string, "" when none (never null)
 * @param commitTimestampMs when the coordinator accepted the commit, epoch milliseconds
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    /** The leader epoch value meaning "unknown" (Kafka's {@code RecordBatch.NO_PARTITION_LEADER_EPOCH}). */
    public static final int NO_LEADER_EPOCH = -1;

    public CommittedOffset {
        Objects.requireNonNull(metadata, "metadata");
        if (leaderEpoch < 0) {
            leaderEpoch = NO_LEADER_EPOCH;
        }
    }
}
