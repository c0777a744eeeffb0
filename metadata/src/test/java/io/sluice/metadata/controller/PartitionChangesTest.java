package io.sluice.metadata.controller;

import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionChangesTest {

    private static final List<Integer> REPLICAS = List.of(1, 2, 3);
    private static final BooleanSupplier CLEAN_ONLY = () -> false;
    private static final BooleanSupplier UNCLEAN_OK = () -> true;

    private static IntPredicate live(Integer... ids) {
        Set<Integer> set = Set.of(ids);
        return set::contains;
    }

    private static PartitionState state(int leader, int leaderEpoch, List<Integer> isr, int partitionEpoch) {
        return new PartitionState(leader, leaderEpoch, REPLICAS, isr, partitionEpoch);
    }

    @Test
    void nothingChangesWhileEveryIsrMemberIsLive() {
        PartitionState s = state(2, 4, List.of(2, 3), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(1, 2, 3), CLEAN_ONLY)).isEmpty();
        assertThat(PartitionChanges.afterBrokerChanges(s, live(2, 3), CLEAN_ONLY))
            .as("a dead replica outside the ISR needs nothing").isEmpty();
    }

    @Test
    void deadLeaderIsReplacedByTheFirstLiveIsrMemberInReplicaOrder() {
        PartitionState s = state(1, 4, List.of(3, 1, 2), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(2, 3), CLEAN_ONLY))
            .contains(state(2, 5, List.of(3, 2), 8));
    }

    @Test
    void deadFollowerLeavesTheIsrWithoutALeaderEpochBump() {
        PartitionState s = state(1, 4, List.of(1, 2, 3), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(1, 3), CLEAN_ONLY))
            .contains(state(1, 4, List.of(1, 3), 8));
    }

    @Test
    void withoutALiveIsrMemberThePartitionGoesOfflineAndKeepsItsIsr() {
        PartitionState s = state(1, 4, List.of(1), 7);
        PartitionState offline = state(PartitionState.NO_LEADER, 5, List.of(1), 8);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(2, 3), CLEAN_ONLY)).contains(offline);
        assertThat(PartitionChanges.afterBrokerChanges(offline, live(2, 3), CLEAN_ONLY))
            .as("already offline: nothing more to write").isEmpty();

        PartitionState bothDead = state(1, 4, List.of(1, 2), 7);
        assertThat(PartitionChanges.afterBrokerChanges(bothDead, live(3), CLEAN_ONLY))
            .as("every member of the last ISR holds every committed record")
            .contains(state(PartitionState.NO_LEADER, 5, List.of(1, 2), 8));
    }

    @Test
    void aReturningIsrMemberIsElectedCleanly() {
        PartitionState offline = state(PartitionState.NO_LEADER, 5, List.of(1, 2), 8);
        assertThat(PartitionChanges.afterBrokerChanges(offline, live(2, 3), CLEAN_ONLY))
            .contains(state(2, 6, List.of(2), 9));
        assertThat(PartitionChanges.afterBrokerChanges(offline, live(3), CLEAN_ONLY))
            .as("broker 3 is not in the ISR").isEmpty();
    }

    @Test
    void uncleanElectionPicksTheFirstLiveReplicaAndResetsTheIsr() {
        PartitionState s = state(1, 4, List.of(1), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(2, 3), UNCLEAN_OK))
            .contains(state(2, 5, List.of(2), 8));
        assertThat(PartitionChanges.isUncleanElection(s, state(2, 5, List.of(2), 8))).isTrue();
        assertThat(PartitionChanges.afterBrokerChanges(s, live(), UNCLEAN_OK))
            .as("nobody live: offline even when unclean is allowed")
            .contains(state(PartitionState.NO_LEADER, 5, List.of(1), 8));
    }

    @Test
    void uncleanSettingIsOnlyConsultedWhenNoCleanElectionIsPossible() {
        PartitionState s = state(1, 4, List.of(1, 2), 7);
        BooleanSupplier mustNotBeAsked = () -> {
            throw new AssertionError("asked for the unclean setting");
        };
        assertThat(PartitionChanges.afterBrokerChanges(s, live(2, 3), mustNotBeAsked))
            .contains(state(2, 5, List.of(2), 8));
    }

    @Test
    void aRestartedLeaderLosesLeadershipAndStartsANewEpoch() {
        PartitionState s = state(1, 4, List.of(1, 2, 3), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(1, 2, 3), Set.of(1), CLEAN_ONLY))
            .contains(state(2, 5, List.of(2, 3), 8));

        PartitionState alone = state(1, 4, List.of(1), 7);
        assertThat(PartitionChanges.afterBrokerChanges(alone, live(1, 2, 3), Set.of(1), CLEAN_ONLY))
            .as("the only ISR member leads again, two leader changes later, in one write")
            .contains(state(1, 6, List.of(1), 8));
        assertThat(PartitionChanges.afterBrokerChanges(s, live(1, 2, 3), Set.of(9), CLEAN_ONLY))
            .as("a restarted broker that is no replica changes nothing").isEmpty();
    }

    @Test
    void aRestartedFollowerLeavesTheIsr() {
        PartitionState s = state(1, 4, List.of(1, 2, 3), 7);
        assertThat(PartitionChanges.afterBrokerChanges(s, live(1, 2, 3), Set.of(3), CLEAN_ONLY))
            .contains(state(1, 4, List.of(1, 2), 8));
    }

    @Test
    void preferredLeaderMovesBackOnlyWhenEligible() {
        PartitionState s = state(2, 5, List.of(2, 3, 1), 8);
        assertThat(PartitionChanges.preferredLeader(s, live(1, 2, 3))).contains(state(1, 6, List.of(2, 3, 1), 9));
        assertThat(PartitionChanges.preferredLeader(s, live(2, 3))).as("preferred not live").isEmpty();
        assertThat(PartitionChanges.preferredLeader(state(2, 5, List.of(2, 3), 8), live(1, 2, 3)))
            .as("preferred not in the ISR").isEmpty();
        assertThat(PartitionChanges.preferredLeader(state(1, 5, List.of(1, 2), 8), live(1, 2, 3)))
            .as("already preferred").isEmpty();
        assertThat(PartitionChanges.preferredLeader(s, live(1, 3))).as("dead leader: not a rebalance").isEmpty();
    }

    @Test
    void electLeadersPreferred() {
        ElectionResult notNeeded = PartitionChanges.electLeader(state(1, 0, REPLICAS, 0), ElectionType.PREFERRED,
            live(1, 2, 3));
        assertThat(notNeeded.error().error()).isEqualTo(Errors.ELECTION_NOT_NEEDED);
        assertThat(notNeeded.next()).isEmpty();

        ElectionResult elected = PartitionChanges.electLeader(state(2, 3, REPLICAS, 5), ElectionType.PREFERRED,
            live(1, 2, 3));
        assertThat(elected.error().isSuccess()).isTrue();
        assertThat(elected.next()).contains(state(1, 4, REPLICAS, 6));

        assertThat(PartitionChanges.electLeader(state(2, 3, List.of(2, 3), 5), ElectionType.PREFERRED,
            live(1, 2, 3)).error().error()).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
        assertThat(PartitionChanges.electLeader(state(2, 3, REPLICAS, 5), ElectionType.PREFERRED,
            live(2, 3)).error().error()).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
    }

    @Test
    void electLeadersUnclean() {
        assertThat(PartitionChanges.electLeader(state(2, 3, REPLICAS, 5), ElectionType.UNCLEAN, live(1, 2, 3))
            .error().error()).isEqualTo(Errors.ELECTION_NOT_NEEDED);

        PartitionState offline = state(PartitionState.NO_LEADER, 3, List.of(1), 5);
        assertThat(PartitionChanges.electLeader(offline, ElectionType.UNCLEAN, live(2, 3)).next())
            .as("unclean whatever the topic config").contains(state(2, 4, List.of(2), 6));
        assertThat(PartitionChanges.electLeader(offline, ElectionType.UNCLEAN, live(1, 3)).next())
            .as("a clean candidate is preferred").contains(state(1, 4, List.of(1), 6));
        assertThat(PartitionChanges.electLeader(offline, ElectionType.UNCLEAN, live()).error().error())
            .isEqualTo(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE);
        assertThat(PartitionChanges.electLeader(state(1, 3, List.of(1), 5), ElectionType.UNCLEAN, live())
            .error().error()).as("dead leader, nobody live").isEqualTo(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE);
    }

    @Test
    void resultsAreStableFixedPoints() {
        PartitionState s = state(1, 4, List.of(1, 2, 3), 7);
        IntPredicate live = live(2);
        Optional<PartitionState> once = PartitionChanges.afterBrokerChanges(s, live, UNCLEAN_OK);
        assertThat(once).contains(state(2, 5, List.of(2), 8));
        assertThat(PartitionChanges.afterBrokerChanges(once.get(), live, UNCLEAN_OK)).isEmpty();
    }
}
