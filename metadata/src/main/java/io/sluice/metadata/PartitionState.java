package io.sluice.metadata;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The replication state of one partition (Kafka's {@code PartitionRecord} / {@code PartitionChangeRecord} fields).
 *
 * <p>Rules checked on construction (as Kafka's controller enforces them):
 * <ul>
 *   <li>{@code replicas} is non-empty and has no duplicates; the first replica is the preferred leader;</li>
 *   <li>{@code isr} is a duplicate-free subset of {@code replicas};</li>
 *   <li>{@code leader} is {@link #NO_LEADER} (-1) or a member of {@code isr} (Kafka never elects outside the ISR
 *       unless unclean election, which then resets the ISR to the new leader);</li>
 *   <li>{@code leaderEpoch >= 0} and {@code partitionEpoch >= 0}.</li>
 * </ul>
 *
 * @param leader         broker id of the leader, or {@link #NO_LEADER}
 * @param leaderEpoch    bumped on every leader change (KIP-101/KIP-279); fetchers and producers are fenced with it
 * @param replicas       the assigned replicas (broker ids), preferred leader first
 * @param isr            the in-sync replicas (broker ids)
 * @param partitionEpoch bumped on every change of this state (Kafka's partition epoch, KIP-497/KIP-841); a writer
 *                       that changes the state must use {@code expected.partitionEpoch() + 1}
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr, int partitionEpoch) {

    /** The leader id of a partition that has no leader (Kafka's {@code LeaderConstants.NO_LEADER}). */
    public static final int NO_LEADER = -1;

    public PartitionState {
        replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
        isr = List.copyOf(Objects.requireNonNull(isr, "isr"));
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("replicas must not be empty");
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException("replicas contain duplicates: " + replicas);
        }
        if (new HashSet<>(isr).size() != isr.size() || !replicas.containsAll(isr)) {
            throw new IllegalArgumentException("isr " + isr + " must be a duplicate-free subset of replicas " + replicas);
        }
        if (leader != NO_LEADER && !isr.contains(leader)) {
            throw new IllegalArgumentException("leader " + leader + " is not in isr " + isr);
        }
        if (leaderEpoch < 0 || partitionEpoch < 0) {
            throw new IllegalArgumentException("epochs must be >= 0: leaderEpoch=" + leaderEpoch
                + ", partitionEpoch=" + partitionEpoch);
        }
    }

    /**
     * The state of a newly created partition: leader = first replica, leader epoch 0, ISR = all replicas, partition
     * epoch 0 (what Kafka's controller writes in a {@code PartitionRecord} at topic creation).
     */
    public static PartitionState initial(List<Integer> replicas) {
        return new PartitionState(replicas.get(0), 0, replicas, replicas, 0);
    }

    /** Whether the partition currently has a leader. */
    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** Whether {@code brokerId} is one of the assigned replicas. */
    public boolean isReplica(int brokerId) {
        return replicas.contains(brokerId);
    }
}
