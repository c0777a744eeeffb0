package io.sluice.broker.coordinator.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a classic group, with Kafka's names (they appear in ListGroups, DescribeGroups and
 * {@code kafka-consumer-groups --describe --state}) and Kafka's allowed transitions.
 *
 * <ul>
 *   <li>{@link #EMPTY}: no members. Answers JoinGroup from new members; SyncGroup, Heartbeat and member offset
 *       commits get UNKNOWN_MEMBER_ID; "simple" commits (generation -1, no member id) are accepted.</li>
 *   <li>{@link #PREPARING_REBALANCE}: waiting for the members to (re)join. Heartbeat and SyncGroup answer
 *       REBALANCE_IN_PROGRESS; JoinGroup requests are parked until every member has joined or the rebalance
 *       timeout passes.</li>
 *   <li>{@link #COMPLETING_REBALANCE}: the join phase is over (new generation); waiting for the leader's
 *       SyncGroup with the assignment. Followers' SyncGroup requests are parked; offset commits answer
 *       REBALANCE_IN_PROGRESS.</li>
 *   <li>{@link #STABLE}: every member has its assignment; heartbeats answer NONE.</li>
 *   <li>{@link #DEAD}: the group is being removed (deleted or no longer owned by this coordinator).</li>
 * </ul>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** @return the states this one may be entered from (Kafka's {@code ClassicGroupState.validPreviousStates}) */
    public Set<GroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(GroupState.class);
        };
    }

    /** @return the name Kafka shows, e.g. {@code PreparingRebalance} */
    @Override
    public String toString() {
        return kafkaName;
    }

    /** @return the lower-case name ListGroups v4+ state filters are compared with, e.g. {@code stable} */
    public String lowerCaseName() {
        return kafkaName.toLowerCase(Locale.ROOT);
    }
}
