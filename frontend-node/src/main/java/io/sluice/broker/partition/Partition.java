package io.sluice.broker.partition;

import io.sluice.metadata.PartitionState;
import io.sluice.storage.log.FetchDataInfo;
import io.sluice.storage.log.LogAppendInfo;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replica of one topic-partition hosted on this broker: its local log plus the partition state from the
 * metadata store (leader, leader epoch, replicas, ISR) and, while this broker leads, what it knows of each follower.
 *
 * <p>The high watermark is the smallest log end offset among the ISR (the seeds' "high water mark": records below
 * it are committed and visible to consumers). It does not advance while the ISR is smaller than
 * {@code min.insync.replicas} (KIP-966's strict rule; capped at the replica count so a topic whose replication
 * factor is below the setting still works). Followers learn it from the leader's fetch responses.
 *
 * <p>Thread-safety: state changes, appends and follower updates synchronise on this object; reads go straight to
 * the log, which supports concurrent readers.
 */
public final class Partition {
    /** What a metadata update did to this broker's role for the partition. */
    public enum RoleChange { BECAME_LEADER, BECAME_FOLLOWER, NEW_LEADER_EPOCH_AS_FOLLOWER, NONE }

    private final TopicIdPartition topicIdPartition;
    private final int localBrokerId;
    private final PartitionLog log;
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    private volatile PartitionState state;
    private volatile int minInsyncReplicas;
    private volatile boolean fenced;
    private long leaderEpochStartOffset;
    private boolean isrChangeInFlight;

    /**
     * @param localBrokerId     this broker's {@code node.id}
     * @param minInsyncReplicas the topic's {@code min.insync.replicas}
     * @param nowMs             the current time, for follower tracking when this broker leads
     */
    public Partition(TopicIdPartition topicIdPartition, int localBrokerId, PartitionLog log, PartitionState state,
                     int minInsyncReplicas, long nowMs) {
        this.topicIdPartition = topicIdPartition;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.state = state;
        this.minInsyncReplicas = minInsyncReplicas;
        if (state.leader() == localBrokerId) {
            becomeLeader(state, nowMs);
        }
    }

    public TopicIdPartition topicIdPartition() {
        return topicIdPartition;
    }

    public TopicPartition topicPartition() {
        return topicIdPartition.topicPartition();
    }

    public PartitionLog log() {
        return log;
    }

    public PartitionState state() {
        return state;
    }

    public int minInsyncReplicas() {
        return minInsyncReplicas;
    }

    /** @return true if this broker is the partition's leader and not fenced */
    public boolean isLeader() {
        return !fenced && state.leader() == localBrokerId;
    }

    /**
     * Fences or unfences this replica: a broker that may have lost its etcd registration must not act as leader
     * (appends and consumer reads get NOT_LEADER_OR_FOLLOWER) until it is registered again.
     */
    public void setFenced(boolean fenced) {
        this.fenced = fenced;
    }

    /**
     * Applies a new partition state from the metadata store (leader, epoch, ISR).
     *
     * @return how this broker's role changed
     */
    public synchronized RoleChange updateState(PartitionState newState, int newMinInsyncReplicas, long nowMs) {
        PartitionState old = state;
        this.minInsyncReplicas = newMinInsyncReplicas;
        this.state = newState;
        boolean leaderNow = newState.leader() == localBrokerId;
        boolean newEpoch = newState.leaderEpoch() != old.leaderEpoch();
        if (leaderNow && (old.leader() != localBrokerId || newEpoch)) {
            becomeLeader(newState, nowMs);
            return RoleChange.BECAME_LEADER;
        }
        if (leaderNow) {
            for (int replica : newState.replicas()) {
                if (replica != localBrokerId) {
                    followers.computeIfAbsent(replica, r -> new FollowerState(nowMs));
                }
            }
            followers.keySet().retainAll(newState.replicas());
            isrChangeInFlight = false;
            maybeIncrementHighWatermark();
            return RoleChange.NONE;
        }
        followers.clear();
        if (old.leader() == localBrokerId) {
            return RoleChange.BECAME_FOLLOWER;
        }
        return newEpoch || old.leader() != newState.leader() ? RoleChange.NEW_LEADER_EPOCH_AS_FOLLOWER : RoleChange.NONE;
    }

    private void becomeLeader(PartitionState newState, long nowMs) {
        log.maybeAssignEpochStartOffset(newState.leaderEpoch(), log.logEndOffset());
        leaderEpochStartOffset = log.logEndOffset();
        followers.clear();
        for (int replica : newState.replicas()) {
            if (replica != localBrokerId) {
                followers.put(replica, new FollowerState(nowMs));
            }
        }
        isrChangeInFlight = false;
        maybeIncrementHighWatermark();
    }

    /**
     * Appends a producer's batches as leader.
     *
     * @param requiredAcks 0, 1 or -1 (all)
     * @return offsets assigned, or the original offsets of a retried idempotent batch
     * @throws NotLeaderOrFollowerException if this broker is not the leader (NOT_LEADER_OR_FOLLOWER)
     * @throws NotEnoughReplicasException   acks=all with fewer ISR members than {@code min.insync.replicas}
     *                                      (NOT_ENOUGH_REPLICAS); nothing is appended
     * @throws org.apache.kafka.common.KafkaException subclasses from validation (CORRUPT_MESSAGE,
     *         MESSAGE_TOO_LARGE, INVALID_RECORD, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, ...)
     */
    public synchronized LogAppendInfo appendRecordsToLeader(MemoryRecords records, short requiredAcks) {
        PartitionState current = state;
        if (!isLeader()) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " is not the leader of " + topicPartition()
                    + " (leader is " + current.leader() + (fenced ? "; this broker is fenced" : "") + ")");
        }
        if (requiredAcks == -1 && current.isr().size() < minInsyncReplicas) {
            throw new NotEnoughReplicasException("ISR " + current.isr() + " of " + topicPartition()
                    + " is smaller than min.insync.replicas=" + minInsyncReplicas);
        }
        LogAppendInfo info = log.appendAsLeader(records, current.leaderEpoch());
        maybeIncrementHighWatermark();
        return info;
    }

    /**
     * Reads whole batches starting at the batch that contains {@code fetchOffset}.
     *
     * @param maxBytes      byte limit for this partition
     * @param minOneMessage return the first batch whole even if it exceeds {@code maxBytes}
     * @param fromFollower  true for replica fetches (read up to the log end offset), false for consumers (read
     *                      only below the high watermark)
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException outside [log start offset, log end offset]
     * @throws FencedLeaderEpochException   the client's leader epoch is older than ours (KIP-320)
     * @throws UnknownLeaderEpochException  the client's leader epoch is newer than ours
     * @throws NotLeaderOrFollowerException this broker is not the leader
     */
    public FetchDataInfo read(long fetchOffset, int maxBytes, boolean minOneMessage, boolean fromFollower,
                              Optional<Integer> currentLeaderEpoch) {
        PartitionState current = state;
        validateLeaderEpoch(current, currentLeaderEpoch);
        if (!isLeader()) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " is not the leader of " + topicPartition());
        }
        long maxOffsetExclusive = fromFollower ? log.logEndOffset() : log.highWatermark();
        return log.read(fetchOffset, maxBytes, maxOffsetExclusive, minOneMessage);
    }

    /** Checks the client's leader epoch against ours (KIP-320), without requiring leadership. */
    public void validateLeaderEpoch(Optional<Integer> currentLeaderEpoch) {
        validateLeaderEpoch(state, currentLeaderEpoch);
    }

    private void validateLeaderEpoch(PartitionState current, Optional<Integer> currentLeaderEpoch) {
        if (currentLeaderEpoch.isEmpty()) {
            return;
        }
        int epoch = currentLeaderEpoch.get();
        if (epoch < current.leaderEpoch()) {
            throw new FencedLeaderEpochException("leader epoch " + epoch + " of " + topicPartition()
                    + " is older than the current " + current.leaderEpoch());
        }
        if (epoch > current.leaderEpoch()) {
            throw new UnknownLeaderEpochException("leader epoch " + epoch + " of " + topicPartition()
                    + " is newer than the current " + current.leaderEpoch());
        }
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    /**
     * Records a follower's fetch (leader side): its fetch offset is its log end offset.
     *
     * @return true if the high watermark advanced
     */
    public synchronized boolean updateFollowerFetchState(int replicaId, long fetchOffset, long nowMs) {
        FollowerState follower = followers.get(replicaId);
        if (follower == null || !isLeader()) {
            return false;
        }
        follower.onFetch(fetchOffset, log.logEndOffset(), nowMs);
        return maybeIncrementHighWatermark();
    }

    /**
     * @param registered whether a broker is registered (live, unfenced) in etcd: only those may join the ISR
     *                   (KIP-841), so a restarted broker that fetches before it has registered again is not added
     * @return the state to propose if some follower outside the ISR has caught up (its log end offset reached the
     *         high watermark and the start of this leader's epoch), as Kafka's {@code maybeExpandIsr}
     */
    public synchronized Optional<PartitionState> proposeIsrExpansion(java.util.function.IntPredicate registered) {
        if (!isLeader() || isrChangeInFlight) {
            return Optional.empty();
        }
        PartitionState current = state;
        List<Integer> isr = new ArrayList<>(current.isr());
        boolean changed = false;
        for (Map.Entry<Integer, FollowerState> entry : followers.entrySet()) {
            long leo = entry.getValue().logEndOffset();
            if (!isr.contains(entry.getKey()) && leo >= log.highWatermark() && leo >= leaderEpochStartOffset
                    && registered.test(entry.getKey())) {
                isr.add(entry.getKey());
                changed = true;
            }
        }
        return changed ? Optional.of(proposal(current, isr)) : Optional.empty();
    }

    /**
     * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}
     * @return the state to propose if some ISR follower has not caught up within the lag time, as Kafka's
     *         {@code maybeShrinkIsr}; the leader always stays
     */
    public synchronized Optional<PartitionState> proposeIsrShrink(long nowMs, long replicaLagTimeMaxMs) {
        if (!isLeader() || isrChangeInFlight) {
            return Optional.empty();
        }
        PartitionState current = state;
        List<Integer> isr = new ArrayList<>(current.isr());
        boolean changed = isr.removeIf(replica -> {
            FollowerState follower = followers.get(replica);
            return replica != localBrokerId && follower != null
                    && nowMs - follower.lastCaughtUpTimeMs() > replicaLagTimeMaxMs;
        });
        return changed ? Optional.of(proposal(current, isr)) : Optional.empty();
    }

    private PartitionState proposal(PartitionState current, List<Integer> isr) {
        List<Integer> ordered = current.replicas().stream().filter(isr::contains).toList();
        return new PartitionState(current.leader(), current.leaderEpoch(), current.replicas(), ordered,
                current.partitionEpoch() + 1);
    }

    /** Marks an ISR change as submitted (true) or finished (false); one at a time, as Kafka's AlterPartition. */
    public synchronized void isrChangeInFlight(boolean inFlight) {
        this.isrChangeInFlight = inFlight;
    }

    /**
     * Advances the high watermark to the smallest log end offset in the ISR (leader side). A follower whose log
     * end offset is not known yet holds it back.
     *
     * @return true if the high watermark moved
     */
    public synchronized boolean maybeIncrementHighWatermark() {
        PartitionState current = state;
        if (current.leader() != localBrokerId) {
            return false;
        }
        if (current.isr().size() < Math.min(minInsyncReplicas, current.replicas().size())) {
            return false;
        }
        long candidate = log.logEndOffset();
        for (int replica : current.isr()) {
            if (replica == localBrokerId) {
                continue;
            }
            FollowerState follower = followers.get(replica);
            long leo = follower == null ? -1L : follower.logEndOffset();
            candidate = Math.min(candidate, leo < 0 ? log.highWatermark() : leo);
        }
        if (candidate > log.highWatermark()) {
            log.updateHighWatermark(candidate);
            return true;
        }
        return false;
    }

    /**
     * Appends batches fetched from the leader (follower side) and moves the local high watermark to the leader's,
     * bounded by what this replica has.
     *
     * @param leaderHighWatermark the high watermark in the leader's fetch response
     */
    public LogAppendInfo appendRecordsAsFollower(MemoryRecords records, long leaderHighWatermark) {
        LogAppendInfo info = log.appendAsFollower(records);
        updateFollowerHighWatermark(leaderHighWatermark);
        return info;
    }

    /** Follower side: adopts the leader's high watermark, never beyond the local log end offset. */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        if (leaderHighWatermark >= 0 && state.leader() != localBrokerId) {
            log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
        }
    }
}
