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

import java.util.Optional;

/**
 * A replica of one topic-partition hosted on this broker: its local log plus the partition state from the
 * metadata store (leader, leader epoch, replicas, ISR).
 *
 * <p>The high watermark is the smallest log end offset among the ISR (the seeds' "high water mark": records
 * below it are committed and visible to consumers). With one broker the ISR is the leader alone, so the high
 * watermark follows the log end offset as soon as an append returns. The replication issue adds the followers'
 * log end offsets.
 *
 * <p>Thread-safety: appends and state changes synchronise on this object; reads go straight to the log, which
 * supports concurrent readers.
 */
public final class Partition {
    private final TopicIdPartition topicIdPartition;
    private final int localBrokerId;
    private final PartitionLog log;
    private volatile PartitionState state;
    private volatile int minInsyncReplicas;

    /**
     * @param localBrokerId     this broker's {@code node.id}
     * @param minInsyncReplicas the topic's {@code min.insync.replicas}
     */
    public Partition(TopicIdPartition topicIdPartition, int localBrokerId, PartitionLog log, PartitionState state,
                     int minInsyncReplicas) {
        this.topicIdPartition = topicIdPartition;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.state = state;
        this.minInsyncReplicas = minInsyncReplicas;
        maybeIncrementHighWatermark();
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

    /** @return true if this broker is the partition's leader */
    public boolean isLeader() {
        return state.leader() == localBrokerId;
    }

    /** Applies a new partition state from the metadata store (leader, epoch, ISR). */
    public synchronized void updateState(PartitionState newState, int newMinInsyncReplicas) {
        if (newState.leader() == localBrokerId && newState.leaderEpoch() > state.leaderEpoch()) {
            log.maybeAssignEpochStartOffset(newState.leaderEpoch(), log.logEndOffset());
        }
        this.state = newState;
        this.minInsyncReplicas = newMinInsyncReplicas;
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
        if (current.leader() != localBrokerId) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " is not the leader of " + topicPartition()
                    + " (leader is " + current.leader() + ")");
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
        if (current.leader() != localBrokerId) {
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
     * Advances the high watermark to the smallest log end offset in the ISR. With the leader alone in the ISR
     * that is the leader's own log end offset.
     *
     * @return true if the high watermark moved
     */
    public synchronized boolean maybeIncrementHighWatermark() {
        if (state.leader() != localBrokerId) {
            return false;
        }
        long before = log.highWatermark();
        long candidate = log.logEndOffset();
        if (candidate > before) {
            log.updateHighWatermark(candidate);
            return true;
        }
        return false;
    }
}
