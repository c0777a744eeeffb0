package io.sluice.broker.partition;

/**
 * What a leader knows about one follower replica, learned from the follower's fetch requests (the offset a
 * follower fetches from is its log end offset), as Kafka's {@code Replica}/{@code ReplicaState}.
 *
 * <p>{@code lastCaughtUpTimeMs} is the last time the follower was known to have everything the leader had: a fetch
 * at or past the leader's log end offset now, or at or past the leader's log end offset as of the follower's
 * previous fetch (it caught up to that point by this fetch). A follower whose {@code lastCaughtUpTimeMs} is older
 * than {@code replica.lag.time.max.ms} leaves the ISR. Guarded by the owning {@link Partition}'s lock.
 */
final class FollowerState {
    private long logEndOffset = -1L;
    private long lastCaughtUpTimeMs;
    private long lastFetchLeaderLogEndOffset = -1L;
    private long lastFetchTimeMs;

    /** @param nowMs when tracking starts: a new leader gives every follower a full lag period to fetch */
    FollowerState(long nowMs) {
        this.lastCaughtUpTimeMs = nowMs;
        this.lastFetchTimeMs = nowMs;
    }

    /**
     * @param fetchOffset          the offset the follower fetched from (its log end offset, exclusive)
     * @param leaderLogEndOffset   the leader's log end offset when the fetch was served
     */
    void onFetch(long fetchOffset, long leaderLogEndOffset, long nowMs) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (lastFetchLeaderLogEndOffset >= 0 && fetchOffset >= lastFetchLeaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = nowMs;
    }

    /** @return the follower's log end offset (exclusive), or -1 before its first fetch */
    long logEndOffset() {
        return logEndOffset;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }
}
