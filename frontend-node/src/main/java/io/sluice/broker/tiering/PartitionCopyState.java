package io.sluice.broker.tiering;

import org.apache.kafka.common.TopicIdPartition;

/**
 * What the {@link RemoteLogManager} knows about copying one partition it leads, for one leader epoch. Confined to
 * the manager's thread (not thread-safe).
 */
final class PartitionCopyState {
    /** {@link #nextRemoteOffset} before the remote log state has been read. */
    static final long UNKNOWN = -1L;

    final TopicIdPartition partition;
    final int leaderEpoch;
    /** One past the highest registered offset (exclusive), or {@link #UNKNOWN} until read from etcd. */
    long nextRemoteOffset = UNKNOWN;
    /** A read of the remote log state or an upload is in flight. */
    boolean busy;
    /** Do not try again before this time (ms), after a failure. */
    long retryAtMs;
    int consecutiveFailures;
    /** The base offset of the straddling segment last logged, so it is logged once. */
    long straddleLogged = -1;
    /** {@code DELETE_STARTED} registrations left by an earlier leader have been finished (once per epoch). */
    boolean startedDeletionsFinished;
    /** A retention pass (read registrations, delete) is in flight. */
    boolean retentionBusy;
    /** Next retention pass not before this time (ms). */
    long nextRetentionAtMs;
    /** Next orphan scan of this partition's prefix not before this time (ms). */
    long nextOrphanScanAtMs;

    PartitionCopyState(TopicIdPartition partition, int leaderEpoch) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
    }

    /** Backoff after the n-th consecutive failure: 500 ms doubling, at most 30 s. */
    long backoffMs() {
        return Math.min(30_000L, 500L << Math.min(consecutiveFailures - 1, 6));
    }
}
