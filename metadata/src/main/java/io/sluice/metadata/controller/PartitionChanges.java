package io.sluice.metadata.controller;

import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * The controller's rules for a partition's next state, as pure functions of the current state and which brokers are
 * live (the counterpart of Kafka's {@code PartitionChangeBuilder} with eligible leader replicas (KIP-966) disabled).
 * Every function returns a state whose partition epoch is {@code current.partitionEpoch() + 1} and whose leader epoch
 * is bumped exactly when the leader changes (also to {@link PartitionState#NO_LEADER}); applying a function to its
 * own result changes nothing more.
 *
 * <p><b>Leader choice.</b> A clean election picks the first replica, in replica order, that is live and in the ISR
 * (Kafka's {@code BestLeader}), so the preferred replica wins whenever it is eligible. An unclean election (only when
 * allowed) picks the first live replica and resets the ISR to it: records the old ISR had may be lost.
 */
public final class PartitionChanges {

    private PartitionChanges() {
    }

    /**
     * What the controller writes after brokers registered or unregistered (Kafka's handling of a fenced or
     * unregistered broker, and of an unfenced one):
     * <ul>
     *   <li>ISR members that are not live leave the ISR; the partition epoch is bumped, the leader epoch is not when
     *       the leader stays;</li>
     *   <li>a leader that is not live (or no leader) is replaced by a clean election, with a leader epoch bump;</li>
     *   <li>with no live ISR member: if {@code uncleanElectionEnabled} (the topic's
     *       {@code unclean.leader.election.enable}) and some replica is live, an unclean election; otherwise the
     *       leader becomes {@link PartitionState#NO_LEADER} and the ISR is kept as it was, so it is never empty and
     *       a member coming back is elected cleanly (every member holds every committed record, as no leader wrote
     *       since). Kafka without ELR likewise keeps the last ISR member.</li>
     * </ul>
     *
     * @param live                   whether a broker is registered (its lease alive)
     * @param uncleanElectionEnabled asked only when no clean election is possible
     * @return the next state, or empty when nothing needs to change
     */
    public static Optional<PartitionState> afterBrokerChanges(PartitionState current, IntPredicate live,
                                                              BooleanSupplier uncleanElectionEnabled) {
        List<Integer> liveIsr = current.isr().stream().filter(live::test).toList();
        if (current.hasLeader() && live.test(current.leader())) {
            if (liveIsr.size() == current.isr().size()) {
                return Optional.empty();
            }
            return Optional.of(new PartitionState(current.leader(), current.leaderEpoch(), current.replicas(),
                liveIsr, current.partitionEpoch() + 1));
        }
        OptionalInt clean = firstReplica(current.replicas(), liveIsr::contains);
        if (clean.isPresent()) {
            return Optional.of(withLeader(current, clean.getAsInt(), liveIsr));
        }
        if (uncleanElectionEnabled.getAsBoolean()) {
            OptionalInt unclean = firstReplica(current.replicas(), live);
            if (unclean.isPresent()) {
                return Optional.of(withLeader(current, unclean.getAsInt(), List.of(unclean.getAsInt())));
            }
        }
        if (!current.hasLeader()) {
            return Optional.empty();
        }
        return Optional.of(withLeader(current, PartitionState.NO_LEADER, current.isr()));
    }

    /**
     * As {@link #afterBrokerChanges(PartitionState, IntPredicate, BooleanSupplier)}, treating each broker in
     * {@code restarted} (live now, but registered again since the controller last looked) as having left and come
     * back: it leaves the ISR (unless it is the last member) and loses leadership, so a restarted leader always
     * starts a new leader epoch, as in Kafka where a restarted broker is fenced before it is unfenced.
     */
    public static Optional<PartitionState> afterBrokerChanges(PartitionState current, IntPredicate live,
                                                              Set<Integer> restarted,
                                                              BooleanSupplier uncleanElectionEnabled) {
        if (restarted.isEmpty() || restarted.stream().noneMatch(current::isReplica)) {
            return afterBrokerChanges(current, live, uncleanElectionEnabled);
        }
        IntPredicate liveBeforeRestart = id -> live.test(id) && !restarted.contains(id);
        Optional<PartitionState> gone = afterBrokerChanges(current, liveBeforeRestart, uncleanElectionEnabled);
        PartitionState base = gone.orElse(current);
        Optional<PartitionState> back = afterBrokerChanges(base, live, uncleanElectionEnabled);
        if (back.isEmpty()) {
            return gone;
        }
        // one write for both steps: one partition epoch bump, the leader epoch bumped by each leader change
        PartitionState both = back.get();
        return Optional.of(new PartitionState(both.leader(), both.leaderEpoch(), both.replicas(), both.isr(),
            current.partitionEpoch() + 1));
    }

    /**
     * Preferred leader election for {@code auto.leader.rebalance.enable}: moves leadership to the first replica when
     * it is live and in the ISR and the current leader is live (a partition without a live leader is handled by
     * {@link #afterBrokerChanges}). Leader epoch bumped, ISR unchanged.
     *
     * @return the next state, or empty when the preferred replica already leads or cannot
     */
    public static Optional<PartitionState> preferredLeader(PartitionState current, IntPredicate live) {
        int preferred = current.replicas().get(0);
        if (current.leader() == preferred || !current.hasLeader() || !live.test(current.leader())
            || !live.test(preferred) || !current.isr().contains(preferred)) {
            return Optional.empty();
        }
        return Optional.of(withLeader(current, preferred, current.isr()));
    }

    /**
     * One partition of an ElectLeaders request (KIP-460), with Kafka's results:
     * <ul>
     *   <li>{@link ElectionType#PREFERRED}: ELECTION_NOT_NEEDED if the first replica leads and is live;
     *       PREFERRED_LEADER_NOT_AVAILABLE if it is not live or not in the ISR; otherwise it becomes the leader
     *       (leader epoch bump, ISR unchanged);</li>
     *   <li>{@link ElectionType#UNCLEAN}: ELECTION_NOT_NEEDED if a live leader exists; otherwise a clean election if
     *       a live ISR member exists, else an unclean one (whatever the topic config, as Kafka), else
     *       ELIGIBLE_LEADERS_NOT_AVAILABLE. Non-live ISR members leave the ISR as in
     *       {@link #afterBrokerChanges}.</li>
     * </ul>
     */
    public static ElectionResult electLeader(PartitionState current, ElectionType type, IntPredicate live) {
        boolean liveLeader = current.hasLeader() && live.test(current.leader());
        if (type == ElectionType.PREFERRED) {
            int preferred = current.replicas().get(0);
            if (current.leader() == preferred && liveLeader) {
                return ElectionResult.failed(new ApiError(Errors.ELECTION_NOT_NEEDED,
                    "The preferred replica " + preferred + " is already the leader."));
            }
            if (!live.test(preferred) || !current.isr().contains(preferred)) {
                return ElectionResult.failed(new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                    "The preferred replica " + preferred + " is " + (live.test(preferred) ? "not in the ISR "
                        + current.isr() : "not live") + "."));
            }
            return ElectionResult.elected(withLeader(current, preferred, current.isr()));
        }
        if (liveLeader) {
            return ElectionResult.failed(new ApiError(Errors.ELECTION_NOT_NEEDED,
                "Broker " + current.leader() + " is the live leader."));
        }
        Optional<PartitionState> next = afterBrokerChanges(current, live, () -> true);
        if (next.isEmpty() || !next.get().hasLeader()) {
            return ElectionResult.failed(new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                "No replica of " + current.replicas() + " is live."));
        }
        return ElectionResult.elected(next.get());
    }

    /** Whether a state change was an unclean election: a new leader that was not in the ISR before. */
    public static boolean isUncleanElection(PartitionState previous, PartitionState next) {
        return next.hasLeader() && next.leader() != previous.leader() && !previous.isr().contains(next.leader());
    }

    private static PartitionState withLeader(PartitionState current, int leader, List<Integer> isr) {
        int leaderEpoch = leader == current.leader() ? current.leaderEpoch() : current.leaderEpoch() + 1;
        return new PartitionState(leader, leaderEpoch, current.replicas(), isr, current.partitionEpoch() + 1);
    }

    private static OptionalInt firstReplica(List<Integer> replicas, IntPredicate eligible) {
        for (int replica : replicas) {
            if (eligible.test(replica)) {
                return OptionalInt.of(replica);
            }
        }
        return OptionalInt.empty();
    }
}
