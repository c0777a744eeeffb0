package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RollAndRetentionTest extends LogTestSupport {

    private List<String> filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void rollsWhenTheSegmentWouldExceedSegmentBytes() throws Exception {
        PartitionLog log = open(smallConfig());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), 0);
        }
        List<SegmentInfo> segments = log.segments();
        assertThat(segments).hasSizeGreaterThan(2);
        for (int i = 0; i < segments.size(); i++) {
            SegmentInfo info = segments.get(i);
            assertThat(info.sizeInBytes()).isLessThanOrEqualTo(2048);
            assertThat(info.active()).isEqualTo(i == segments.size() - 1);
            if (i > 0) {
                assertThat(segments.get(i - 1).nextOffset()).isEqualTo(info.baseOffset());
            }
            assertThat(info.logFile().getFileName().toString())
                .isEqualTo(String.format("%020d.log", info.baseOffset()));
            if (!info.active()) {
                assertThat(Files.size(info.logFile())).isEqualTo(info.sizeInBytes());
                assertThat(Files.size(info.offsetIndexFile()) % 8).isZero();
                assertThat(Files.size(info.offsetIndexFile())).isLessThan(4096);
            }
        }
        assertThat(segments.get(segments.size() - 1).nextOffset()).isEqualTo(log.logEndOffset());
        assertThat(log.size()).isEqualTo(segments.stream().mapToLong(SegmentInfo::sizeInBytes).sum());
    }

    @Test
    void rollsWhenSegmentMsHasPassedSinceTheFirstBatch() {
        PartitionLog log = open(LogConfig.defaults().withSegmentMs(60_000));
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "a"), 0);
        time.advance(30_000);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "b"), 0);
        assertThat(log.segments()).hasSize(1);
        time.advance(30_001);
        log.appendAsLeader(TestRecords.batch(time.milliseconds(), "c"), 0);
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(0L, 2L);
    }

    @Test
    void rollsWhenTheIndexIsFull() {
        PartitionLog log = open(LogConfig.defaults().withIndexIntervalBytes(0).withSegmentIndexBytes(36));
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS + i, "v" + i), 0);
        }
        assertThat(log.segments()).hasSizeGreaterThan(2);
        assertThat(readAllValues(log)).hasSize(10);
    }

    @Test
    void explicitRollStartsASegmentAtTheLogEndOffsetAndSnapshotsProducerState() {
        PartitionLog log = open(LogConfig.defaults());
        log.roll();
        assertThat(log.segments()).hasSize(1);
        log.appendAsLeader(TestRecords.idempotentBatch(7L, (short) 0, 0, START_MS, "a", "b"), 0);
        log.roll();
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(0L, 2L);
        assertThat(logDir().resolve("00000000000000000002.snapshot")).exists();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 2);
    }

    private PartitionLog logWithSealedSegments(LogConfig config, int batches) {
        PartitionLog log = open(config);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(60)), 0);
        }
        return log;
    }

    @Test
    void retentionMsDeletesOldSealedSegmentsAndAdvancesTheLogStartOffset() throws Exception {
        LogConfig config = smallConfig().withRetentionMs(3_600_000L);
        PartitionLog log = logWithSealedSegments(config, 40);
        List<SegmentInfo> before = log.segments();
        assertThat(before).hasSizeGreaterThan(2);
        log.updateHighWatermark(log.logEndOffset());

        time.advance(3_600_000L);
        assertThat(log.deleteRetentionBreachedSegments()).isZero();
        time.advance(1);
        int deleted = log.deleteRetentionBreachedSegments();

        assertThat(deleted).isEqualTo(before.size() - 1);
        SegmentInfo active = before.get(before.size() - 1);
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(active.baseOffset());
        assertThat(log.logStartOffset()).isEqualTo(active.baseOffset());
        assertThatThrownBy(() -> log.read(0, 1000, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(active.baseOffset() - 1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.read(active.baseOffset(), 1000, Long.MAX_VALUE, true).isEmpty()).isFalse();
        assertThat(filesIn(logDir())).contains(String.format("%020d.log.deleted", before.get(0).baseOffset()))
            .doesNotContain(String.format("%020d.log", before.get(0).baseOffset()));
    }

    @Test
    void retentionBytesDeletesTheOldestSegmentsUntilTheLogFits() {
        LogConfig config = smallConfig();
        PartitionLog log = logWithSealedSegments(config, 60);
        log.updateHighWatermark(log.logEndOffset());
        List<SegmentInfo> before = log.segments();
        long total = log.size();
        long keepBytes = before.get(before.size() - 1).sizeInBytes() + before.get(before.size() - 2).sizeInBytes();
        log.updateConfig(config.withRetentionBytes(keepBytes));

        int deleted = log.deleteRetentionBreachedSegments();

        assertThat(deleted).isEqualTo(before.size() - 2);
        assertThat(log.size()).isEqualTo(keepBytes).isLessThan(total);
        assertThat(log.logStartOffset()).isEqualTo(before.get(before.size() - 2).baseOffset());
    }

    @Test
    void retentionNeverDeletesTheActiveSegmentOrDataAboveTheHighWatermark() {
        PartitionLog log = logWithSealedSegments(smallConfig().withRetentionMs(1000), 40);
        time.advance(10_000);
        assertThat(log.deleteRetentionBreachedSegments()).isZero();

        List<SegmentInfo> segments = log.segments();
        log.updateHighWatermark(segments.get(1).baseOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(segments.get(1).baseOffset());
    }

    @Test
    void deletedSegmentFilesStayReadableUntilTheDelayPassesThenDisappear() throws Exception {
        PartitionLog log = logWithSealedSegments(smallConfig().withRetentionMs(1000).withFileDeleteDelayMs(300), 40);
        log.updateHighWatermark(log.logEndOffset());
        Records inFlight = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
        time.advance(5_000);

        assertThat(log.deleteRetentionBreachedSegments()).isPositive();
        assertThat(TestRecords.values(inFlight)).startsWith("value-0");
        await().atMost(Duration.ofSeconds(10))
            .until(() -> filesIn(logDir()).stream().noneMatch(name -> name.endsWith(".deleted")));
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetAndRetentionRemovesSegmentsBelowIt() {
        PartitionLog log = logWithSealedSegments(smallConfig(), 40);
        List<SegmentInfo> segments = log.segments();
        assertThatThrownBy(() -> log.maybeIncrementLogStartOffset(5)).isInstanceOf(OffsetOutOfRangeException.class);
        log.updateHighWatermark(log.logEndOffset());
        long target = segments.get(1).baseOffset() + 1;
        assertThat(log.maybeIncrementLogStartOffset(target)).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(target);
        assertThatThrownBy(() -> log.read(target - 1, 100, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);

        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);
        assertThat(log.segments().get(0).baseOffset()).isEqualTo(segments.get(1).baseOffset());
        assertThat(log.logStartOffset()).isEqualTo(target);
    }
}
