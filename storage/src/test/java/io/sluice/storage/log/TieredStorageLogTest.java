package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import io.sluice.storage.epoch.EpochEndOffset;
import io.sluice.storage.epoch.EpochEntry;
import org.apache.kafka.common.errors.OffsetMovedToTieredStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The local side of tiered storage (KIP-405): the local log start offset, local retention gated by the highest
 * offset in remote storage, reads of tiered offsets, the follower's restart at the leader's local log start
 * offset, and what survives a reload.
 */
class TieredStorageLogTest extends LogTestSupport {
    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;

    /** Small segments, tiered, and no limit but the local ones under test. */
    private static LogConfig tiered() {
        return smallConfig().withRemoteStorageEnable(true).withRetentionMs(-1).withRetentionBytes(-1);
    }

    /**
     * Appends {@code batches} batches of two records stamped {@code START_MS}: leader epoch 1 for the first 20
     * batches (offsets 0-39), 3 for the next 20 (40-79), 5 after that; then commits everything.
     */
    private PartitionLog logWith(LogConfig config, int batches) {
        PartitionLog log = open(config);
        append(log, 0, batches);
        log.updateHighWatermark(log.logEndOffset());
        return log;
    }

    private static void append(PartitionLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            int epoch = i < 20 ? 1 : i < 40 ? 3 : 5;
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(60)), epoch);
        }
    }

    private static List<SegmentInfo> sealed(PartitionLog log) {
        return log.segments().stream().filter(SegmentInfo::sealed).toList();
    }

    private List<String> filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void localRetentionNeverDeletesASegmentBeforeItIsInRemoteStorage() {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0).withLocalRetentionMs(1000), 60);
        List<SegmentInfo> before = log.segments();
        assertThat(sealed(log)).hasSizeGreaterThanOrEqualTo(4);
        time.advance(30 * DAY_MS);

        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(-1);
        assertThat(log.deleteRetentionBreachedSegments()).isZero();
        assertThat(log.segments()).isEqualTo(before);

        // Segment 1 is uploaded only up to one offset before its end: it and everything after it stay.
        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset() - 1);
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        assertThat(log.segments()).isEqualTo(before.subList(1, before.size()));

        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        assertThat(log.segments()).isEqualTo(before.subList(2, before.size()));
        assertThat(log.localLogStartOffset()).isEqualTo(before.get(2).baseOffset());
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void localRetentionBytesDeletesUploadedSegmentsAndMovesOnlyTheLocalLogStartOffset() throws Exception {
        PartitionLog probe = logWith(tiered(), 60);
        List<SegmentInfo> before = probe.segments();
        long keepBytes = before.get(before.size() - 1).sizeInBytes() + before.get(before.size() - 2).sizeInBytes();
        probe.updateConfig(tiered().withLocalRetentionBytes(keepBytes));
        assertThat(probe.deleteRetentionBreachedSegments()).isZero();

        probe.updateHighestOffsetInRemoteStorage(probe.logEndOffset() - 1);
        int deleted = probe.deleteRetentionBreachedSegments();

        SegmentInfo firstKept = before.get(before.size() - 2);
        assertThat(deleted).isEqualTo(before.size() - 2);
        assertThat(probe.size()).isEqualTo(keepBytes);
        assertThat(probe.localLogStartOffset()).isEqualTo(firstKept.baseOffset());
        assertThat(probe.logStartOffset()).isZero();
        assertThat(probe.highWatermark()).isEqualTo(probe.logEndOffset());
        assertThat(filesIn(logDir())).contains(String.format("%020d.log.deleted", before.get(0).baseOffset()))
            .doesNotContain(String.format("%020d.log", before.get(0).baseOffset()));
        assertThat(probe.deleteRetentionBreachedSegments()).isZero();
    }

    @Test
    void localRetentionMsResolvesMinusTwoToRetentionMsAndDeletesOnlyUploadedSegments() {
        LogConfig config = tiered().withRetentionMs(HOUR_MS);
        assertThat(config.localRetentionMs()).isEqualTo(-2);
        PartitionLog log = logWith(config, 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(2).lastOffset());

        time.advance(HOUR_MS);
        assertThat(log.deleteRetentionBreachedSegments()).isZero();
        time.advance(1);
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(3);

        assertThat(log.segments()).isEqualTo(before.subList(3, before.size()));
        assertThat(log.localLogStartOffset()).isEqualTo(before.get(3).baseOffset());
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void localRetentionNeverDeletesTheActiveSegmentOrASegmentReachingTheHighWatermark() {
        PartitionLog log = open(tiered().withLocalRetentionBytes(0));
        append(log, 0, 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(log.logEndOffset() + 100);

        log.updateHighWatermark(before.get(1).baseOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(before.size() - 2);

        assertThat(log.segments()).hasSize(1).allMatch(SegmentInfo::active);
        assertThat(log.localLogStartOffset()).isEqualTo(before.get(before.size() - 1).baseOffset());
    }

    @Test
    void readBelowTheLocalLogStartIsTieredAndBelowTheLogStartIsOutOfRange() {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0), 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset());
        log.deleteRetentionBreachedSegments();
        long localStart = log.localLogStartOffset();
        assertThat(localStart).isEqualTo(before.get(2).baseOffset());
        assertThat(log.maybeIncrementLogStartOffset(10)).isTrue();

        assertThatThrownBy(() -> log.read(9, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        for (long offset : new long[] {10, localStart - 1}) {
            assertThatThrownBy(() -> log.read(offset, 1000, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetMovedToTieredStorageException.class)
                .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.OFFSET_MOVED_TO_TIERED_STORAGE));
        }
        FetchDataInfo local = log.read(localStart, 1000, Long.MAX_VALUE, true);
        assertThat(TestRecords.offsets(local.records())).startsWith(localStart);
        assertThatThrownBy(() -> log.read(log.logEndOffset() + 1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);

        assertThat(log.earliestOffset()).isEqualTo(new OffsetAndTimestamp(10, RecordBatch.NO_TIMESTAMP, 1));
        assertThat(log.earliestLocalOffset()).isEqualTo(new OffsetAndTimestamp(localStart, RecordBatch.NO_TIMESTAMP,
            log.leaderEpochCache().epochForOffset(localStart).getAsInt()));
    }

    @Test
    void leaderEpochCacheKeepsTheEpochsOfTieredOffsetsUntilTheLogStartOffsetPassesThem() {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0), 60);
        List<EpochEntry> epochs = List.of(new EpochEntry(1, 0), new EpochEntry(3, 40), new EpochEntry(5, 80));
        assertThat(log.leaderEpochCache().epochEntries()).isEqualTo(epochs);
        SegmentInfo holdingEpoch5 = log.segments().stream().filter(s -> s.baseOffset() > 80).findFirst().orElseThrow();
        log.updateHighestOffsetInRemoteStorage(holdingEpoch5.baseOffset() - 1);

        assertThat(log.deleteRetentionBreachedSegments()).isPositive();

        assertThat(log.localLogStartOffset()).isEqualTo(holdingEpoch5.baseOffset());
        assertThat(log.leaderEpochCache().epochEntries()).isEqualTo(epochs);
        assertThat(log.leaderEpochCache().endOffsetFor(1, log.logEndOffset())).isEqualTo(new EpochEndOffset(1, 40));
        assertThat(log.leaderEpochCache().endOffsetFor(3, log.logEndOffset())).isEqualTo(new EpochEndOffset(3, 80));

        assertThat(log.maybeIncrementLogStartOffset(50)).isTrue();
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(3, 50),
            new EpochEntry(5, 80));
    }

    @Test
    void logStartOffsetBelowTheLocalStartLeavesLocalSegmentsAlone() throws Exception {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0), 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset());
        log.deleteRetentionBreachedSegments();
        List<SegmentInfo> local = log.segments();
        List<String> files = filesIn(logDir()).stream().filter(f -> f.endsWith(".log")).toList();

        assertThat(log.maybeIncrementLogStartOffset(before.get(1).baseOffset() + 3)).isTrue();
        assertThat(log.maybeIncrementLogStartOffset(before.get(1).baseOffset())).isFalse();

        assertThat(log.logStartOffset()).isEqualTo(before.get(1).baseOffset() + 3);
        assertThat(log.localLogStartOffset()).isEqualTo(before.get(2).baseOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isZero();
        assertThat(log.segments()).isEqualTo(local);
        assertThat(filesIn(logDir()).stream().filter(f -> f.endsWith(".log")).toList()).isEqualTo(files);
    }

    @Test
    void logStartOffsetAboveTheLocalStartMovesItAndRetentionDeletesWhatLiesBelow() {
        PartitionLog log = logWith(tiered(), 60);
        List<SegmentInfo> before = log.segments();
        long target = before.get(2).baseOffset() + 1;

        assertThat(log.maybeIncrementLogStartOffset(target)).isTrue();

        assertThat(log.logStartOffset()).isEqualTo(target);
        assertThat(log.localLogStartOffset()).isEqualTo(target);
        assertThatThrownBy(() -> log.read(target - 1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        // DeleteRecords removed the data everywhere: no upload is needed before deleting it locally.
        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(-1);
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(2);
        assertThat(log.segments().get(0)).isEqualTo(before.get(2));
        assertThat(log.localLogStartOffset()).isEqualTo(target);
        assertThatThrownBy(() -> log.maybeIncrementLogStartOffset(log.highWatermark() + 1))
            .isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void followerStartsItsLocalLogAtTheLeadersLocalStartAndRestoresTieredEpochs() {
        PartitionLog log = logWith(tiered(), 30);
        log.updateHighestOffsetInRemoteStorage(20);

        log.truncateFullyAndStartAt(100, 40);

        assertThat(log.logStartOffset()).isEqualTo(40);
        assertThat(log.localLogStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.highWatermark()).isEqualTo(100);
        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(20);
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(100L);
        assertThat(log.leaderEpochCache().epochEntries()).isEmpty();
        assertThatThrownBy(() -> log.read(40, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetMovedToTieredStorageException.class);
        assertThatThrownBy(() -> log.read(39, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.read(100, 1000, Long.MAX_VALUE, true).isEmpty()).isTrue();

        log.restoreLeaderEpochs(List.of(new EpochEntry(1, 0), new EpochEntry(2, 30), new EpochEntry(4, 70),
            new EpochEntry(6, 120)));
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 40),
            new EpochEntry(4, 70));

        log.appendAsFollower(batchAt(100, 6, 3));
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 40),
            new EpochEntry(4, 70), new EpochEntry(6, 100));
        assertThat(log.leaderEpochCache().endOffsetFor(4, log.logEndOffset())).isEqualTo(new EpochEndOffset(4, 100));
        assertThat(log.leaderEpochCache().endOffsetFor(2, log.logEndOffset())).isEqualTo(new EpochEndOffset(2, 70));
    }

    @Test
    void epochsBelowTheLocalStartCanBeAssignedOneByOneAfterAFullTruncation() {
        PartitionLog log = logWith(tiered(), 10);
        log.truncateFullyAndStartAt(100, 40);

        log.leaderEpochCache().assign(2, 40);
        log.leaderEpochCache().assign(4, 70);
        log.appendAsFollower(batchAt(100, 6, 2));

        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 40),
            new EpochEntry(4, 70), new EpochEntry(6, 100));
        assertThat(log.earliestLocalOffset()).isEqualTo(new OffsetAndTimestamp(100, RecordBatch.NO_TIMESTAMP, 6));
    }

    @Test
    void restoredEpochsMustBeOlderThanTheLocalOnes() {
        PartitionLog log = logWith(tiered(), 10);
        log.truncateFullyAndStartAt(100, 40);
        log.appendAsFollower(batchAt(100, 6, 2));

        assertThatThrownBy(() -> log.restoreLeaderEpochs(List.of(new EpochEntry(2, 40), new EpochEntry(7, 90))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.restoreLeaderEpochs(List.of(new EpochEntry(4, 70), new EpochEntry(2, 80))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(6, 100));

        // The same epoch continuing from remote into local data started where the remote lineage says.
        log.restoreLeaderEpochs(List.of(new EpochEntry(2, 40), new EpochEntry(6, 90)));
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 40),
            new EpochEntry(6, 90));
    }

    @Test
    void truncateFullyAndStartAtChecksItsOffsetsAndTheOneArgumentFormMovesBoth() {
        PartitionLog log = logWith(tiered(), 10);
        assertThatThrownBy(() -> log.truncateFullyAndStartAt(40, 41)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.truncateFullyAndStartAt(40, -1)).isInstanceOf(IllegalArgumentException.class);

        log.truncateFullyAndStartAt(70);

        assertThat(log.logStartOffset()).isEqualTo(70);
        assertThat(log.localLogStartOffset()).isEqualTo(70);
        assertThat(log.logEndOffset()).isEqualTo(70);
    }

    @Test
    void truncateToBelowTheLocalStartRestartsThereAndKeepsTheLowerLogStartOffset() {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0), 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(2).lastOffset());
        log.deleteRetentionBreachedSegments();
        long localStart = before.get(3).baseOffset();
        assertThat(log.localLogStartOffset()).isEqualTo(localStart);

        // Inside the local log: ordinary truncation, both start offsets stay.
        assertThat(log.truncateTo(before.get(4).baseOffset() + 2)).isTrue();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.localLogStartOffset()).isEqualTo(localStart);
        assertThat(log.logEndOffset()).isEqualTo(before.get(4).baseOffset() + 2);

        assertThat(log.truncateTo(localStart - 6)).isTrue();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.localLogStartOffset()).isEqualTo(localStart - 6);
        assertThat(log.logEndOffset()).isEqualTo(localStart - 6);
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(localStart - 6);
    }

    @Test
    void reloadKeepsALogStartOffsetBelowTheLocalSegmentsOnlyWithRemoteStorageOn() {
        LogConfig config = tiered().withLocalRetentionBytes(0);
        PartitionLog log = logWith(config, 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset());
        log.deleteRetentionBreachedSegments();
        log.maybeIncrementLogStartOffset(10);
        long localStart = log.localLogStartOffset();
        log.close();

        PartitionLog reloaded = reopenClean(log, config);
        assertThat(reloaded.logStartOffset()).isEqualTo(10);
        assertThat(reloaded.localLogStartOffset()).isEqualTo(localStart);
        assertThat(reloaded.highWatermark()).isEqualTo(reloaded.logEndOffset());
        assertThat(reloaded.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(1, 10),
            new EpochEntry(3, 40), new EpochEntry(5, 80));
        assertThatThrownBy(() -> reloaded.read(10, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetMovedToTieredStorageException.class);
        // Not persisted: nothing more is deleted locally until the broker reports the remote state again.
        assertThat(reloaded.highestOffsetInRemoteStorage()).isEqualTo(-1);
        time.advance(DAY_MS);
        assertThat(reloaded.deleteRetentionBreachedSegments()).isZero();
        reloaded.updateHighestOffsetInRemoteStorage(before.get(2).lastOffset());
        assertThat(reloaded.deleteRetentionBreachedSegments()).isEqualTo(1);
        reloaded.close();

        LogConfig untiered = config.withRemoteStorageEnable(false);
        PartitionLog clamped = open(untiered, new LogLoadParams(true, reloaded.recoveryPoint(), 10,
            reloaded.highWatermark()));
        assertThat(clamped.logStartOffset()).isEqualTo(before.get(3).baseOffset());
        assertThat(clamped.localLogStartOffset()).isEqualTo(clamped.logStartOffset());
        assertThat(clamped.leaderEpochCache().epochEntries().get(0).startOffset())
            .isEqualTo(before.get(3).baseOffset());
        assertThatThrownBy(() -> clamped.read(10, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void crashRecoveryAlsoKeepsTheTieredLogStartOffset() {
        LogConfig config = tiered().withLocalRetentionBytes(0);
        PartitionLog log = logWith(config, 60);
        log.updateHighestOffsetInRemoteStorage(log.segments().get(0).lastOffset());
        log.deleteRetentionBreachedSegments();
        long localStart = log.localLogStartOffset();
        long end = log.logEndOffset();

        PartitionLog recovered = crashAndReopen(log, config);

        assertThat(recovered.logStartOffset()).isZero();
        assertThat(recovered.localLogStartOffset()).isEqualTo(localStart);
        assertThat(recovered.logEndOffset()).isEqualTo(end);
        // Without a high watermark checkpoint it starts at the local log start offset, never below it.
        assertThat(recovered.highWatermark()).isEqualTo(localStart);
    }

    @Test
    void turningRemoteStorageOffMovesTheLogStartOffsetUpToTheLocalData() {
        PartitionLog log = logWith(tiered().withLocalRetentionBytes(0), 60);
        log.updateHighestOffsetInRemoteStorage(log.segments().get(1).lastOffset());
        log.deleteRetentionBreachedSegments();
        long localStart = log.localLogStartOffset();
        assertThat(log.logStartOffset()).isZero();

        log.updateConfig(log.config().withRemoteStorageEnable(false));

        assertThat(log.logStartOffset()).isEqualTo(localStart);
        assertThat(log.localLogStartOffset()).isEqualTo(localStart);
        assertThatThrownBy(() -> log.read(localStart - 1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.leaderEpochCache().epochEntries().get(0).startOffset()).isEqualTo(localStart);
    }

    @Test
    void anEmptyDirectoryStartsEverythingAtZero() {
        PartitionLog log = open(tiered());
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.localLogStartOffset()).isZero();
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.highWatermark()).isZero();
        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(-1);
        assertThat(log.earliestLocalOffset()).isEqualTo(new OffsetAndTimestamp(0, RecordBatch.NO_TIMESTAMP, -1));
        assertThat(log.read(0, 100, Long.MAX_VALUE, true).isEmpty()).isTrue();
    }

    @Test
    void highestOffsetInRemoteStorageOnlyMovesForward() {
        PartitionLog log = open(tiered());
        log.updateHighestOffsetInRemoteStorage(-1);
        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(-1);
        log.updateHighestOffsetInRemoteStorage(10);
        log.updateHighestOffsetInRemoteStorage(5);
        assertThat(log.highestOffsetInRemoteStorage()).isEqualTo(10);
        assertThatThrownBy(() -> log.updateHighestOffsetInRemoteStorage(-2))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestampSearchLooksOnlyAtLocalSegments() {
        PartitionLog log = open(tiered().withLocalRetentionBytes(0));
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS + i * 1000L, "value-" + i, "x".repeat(60)), 1);
        }
        log.updateHighWatermark(log.logEndOffset());
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(before.get(1).lastOffset());
        log.deleteRetentionBreachedSegments();
        long localStart = log.localLogStartOffset();

        assertThat(log.offsetForTimestamp(START_MS)).map(OffsetAndTimestamp::offset).contains(localStart);
        assertThat(log.offsetForTimestamp(START_MS + 59_000)).map(OffsetAndTimestamp::offset)
            .contains(log.logEndOffset() - 2);
        assertThat(log.offsetForTimestamp(START_MS + 60_000)).isEmpty();
        assertThat(log.maxTimestampOffset()).map(OffsetAndTimestamp::timestamp).contains(START_MS + 59_000);
    }

    @Test
    void withRemoteStorageOffRetentionIsUnchangedAndBothStartOffsetsMoveTogether() {
        LogConfig config = smallConfig().withLocalRetentionBytes(0).withLocalRetentionMs(0);
        assertThat(config.remoteStorageEnable()).isFalse();
        PartitionLog log = logWith(config, 60);
        List<SegmentInfo> before = log.segments();
        log.updateHighestOffsetInRemoteStorage(log.logEndOffset() - 1);
        time.advance(DAY_MS);

        // local.retention.* do not apply: only retention.ms (7 days) and retention.bytes (unlimited).
        assertThat(log.deleteRetentionBreachedSegments()).isZero();
        time.advance(6 * DAY_MS + 1);
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(before.size() - 1);

        long active = before.get(before.size() - 1).baseOffset();
        assertThat(log.logStartOffset()).isEqualTo(active);
        assertThat(log.localLogStartOffset()).isEqualTo(active);
        assertThatThrownBy(() -> log.read(active - 1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.earliestLocalOffset()).isEqualTo(log.earliestOffset());
    }

    @Test
    void withRemoteStorageOffDeleteRecordsMovesTheLocalLogStartOffsetToo() {
        PartitionLog log = logWith(smallConfig(), 60);
        List<SegmentInfo> before = log.segments();
        long target = before.get(1).baseOffset() + 1;
        log.maybeIncrementLogStartOffset(target);
        assertThat(log.localLogStartOffset()).isEqualTo(target);
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        assertThat(log.localLogStartOffset()).isEqualTo(target);
        assertThat(log.logStartOffset()).isEqualTo(target);
        assertThat(log.segments().get(0).baseOffset()).isEqualTo(before.get(1).baseOffset());
    }

    /** A batch of {@code count} records at offsets {@code base...}, written in {@code leaderEpoch}. */
    private static MemoryRecords batchAt(long base, int leaderEpoch, int count) {
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = base + i;
        }
        MemoryRecords records = TestRecords.batchWithOffsets(START_MS, offsets);
        for (MutableRecordBatch batch : records.batches()) {
            batch.setPartitionLeaderEpoch(leaderEpoch);
        }
        return records;
    }
}
