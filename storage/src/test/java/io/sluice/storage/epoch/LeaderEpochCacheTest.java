package io.sluice.storage.epoch;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderEpochCacheTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    @TempDir
    Path dir;
    private LeaderEpochCache cache;

    @BeforeEach
    void setUp() {
        cache = new LeaderEpochCache(TP, LeaderEpochCheckpointFile.in(dir));
    }

    @Test
    void assignIgnoresRepeatsOfTheLatestEpochAndPersistsInKafkasFormat() throws Exception {
        cache.assign(0, 0);
        cache.assign(0, 5);
        cache.assign(2, 10);
        cache.assign(4, 25);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 10),
            new EpochEntry(4, 25));
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"))).isEqualTo("0\n3\n0 0\n2 10\n4 25\n");

        LeaderEpochCache reloaded = new LeaderEpochCache(TP, LeaderEpochCheckpointFile.in(dir));
        assertThat(reloaded.epochEntries()).isEqualTo(cache.epochEntries());
        assertThat(reloaded.latestEpoch()).isEqualTo(OptionalInt.of(4));
    }

    @Test
    void assigningAConflictingEntryRemovesLaterOnes() {
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);
        cache.assign(4, 15);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10),
            new EpochEntry(4, 15));
    }

    @Test
    void endOffsetForFollowsKafkasRules() {
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);
        assertThat(cache.endOffsetFor(-1, 30)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(cache.endOffsetFor(5, 30)).isEqualTo(new EpochEndOffset(5, 30));
        assertThat(cache.endOffsetFor(6, 30)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(cache.endOffsetFor(3, 30)).isEqualTo(new EpochEndOffset(3, 20));
        assertThat(cache.endOffsetFor(4, 30)).isEqualTo(new EpochEndOffset(3, 20));
        assertThat(cache.endOffsetFor(1, 30)).isEqualTo(new EpochEndOffset(1, 10));
        assertThat(cache.endOffsetFor(0, 30)).isEqualTo(new EpochEndOffset(0, 0));
    }

    @Test
    void truncateFromEndDropsEntriesStartingAtOrAfterTheEnd() throws Exception {
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);
        cache.truncateFromEnd(20);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10));
        cache.truncateFromEnd(11);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10));
        assertThat(new LeaderEpochCache(TP, LeaderEpochCheckpointFile.in(dir)).epochEntries())
            .containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10));
    }

    @Test
    void truncateFromStartMovesTheEpochContainingTheNewStart() {
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);
        cache.truncateFromStart(15);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(3, 15), new EpochEntry(5, 20));
        cache.truncateFromStart(20);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(5, 20));
    }

    @Test
    void epochForOffsetAndClear() {
        cache.assign(1, 0);
        cache.assign(3, 10);
        assertThat(cache.epochForOffset(9)).isEqualTo(OptionalInt.of(1));
        assertThat(cache.epochForOffset(10)).isEqualTo(OptionalInt.of(3));
        cache.clear();
        assertThat(cache.epochEntries()).isEmpty();
        assertThat(cache.latestEpoch()).isEmpty();
    }

    @Test
    void rejectsNegativeEntries() {
        assertThatThrownBy(() -> cache.assign(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.assign(0, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkpointFileRoundTrip() throws Exception {
        LeaderEpochCheckpointFile file = new LeaderEpochCheckpointFile(dir.resolve("x"));
        file.write(List.of(new EpochEntry(0, 0), new EpochEntry(7, 123456789012L)));
        assertThat(file.read()).containsExactly(new EpochEntry(0, 0), new EpochEntry(7, 123456789012L));
    }

    @Test
    void restoreHistoryReplacesEntriesBelowTheBoundaryAndKeepsTheLocalOnes() {
        cache.assign(5, 100);
        cache.assign(7, 150);

        cache.restoreHistory(List.of(new EpochEntry(1, 0), new EpochEntry(3, 40), new EpochEntry(6, 120)), 100);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 40),
            new EpochEntry(5, 100), new EpochEntry(7, 150));
        assertThat(new LeaderEpochCache(TP, LeaderEpochCheckpointFile.in(dir)).epochEntries())
            .isEqualTo(cache.epochEntries());

        cache.restoreHistory(List.of(new EpochEntry(2, 10), new EpochEntry(5, 60)), 100);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(2, 10), new EpochEntry(5, 60),
            new EpochEntry(7, 150));
        assertThat(cache.endOffsetFor(2, 200)).isEqualTo(new EpochEndOffset(2, 60));
    }

    @Test
    void restoreHistoryRejectsALineageThatIsNotIncreasingOrNewerThanTheLocalEntries() {
        cache.assign(5, 100);
        assertThatThrownBy(() -> cache.restoreHistory(List.of(new EpochEntry(3, 40), new EpochEntry(3, 50)), 100))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.restoreHistory(List.of(new EpochEntry(2, 40), new EpochEntry(3, 40)), 100))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.restoreHistory(List.of(new EpochEntry(6, 40)), 100))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.epochEntries()).containsExactly(new EpochEntry(5, 100));
    }
}
