package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppendReadTest extends LogTestSupport {

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void batchesAreStoredExactlyAsProducedApartFromOffsetAndLeaderEpoch(String codec) throws Exception {
        PartitionLog log = open(LogConfig.defaults());
        Compression compression = Compression.of(codec).build();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MemoryRecords records = TestRecords.batch(compression, START_MS + i, "k" + i + "-a", "k" + i + "-b",
                "k" + i + "-c".repeat(50));
            sent.add(TestRecords.bytes(records));
            LogAppendInfo info = log.appendAsLeader(records, 5);
            assertThat(info.firstOffset()).isEqualTo(3L * i);
            assertThat(info.lastOffset()).isEqualTo(3L * i + 2);
            assertThat(info.numRecords()).isEqualTo(3);
            assertThat(info.duplicate()).isFalse();
        }

        FetchDataInfo fetched = log.read(0, Integer.MAX_VALUE, log.logEndOffset(), false);
        assertThat(fetched.records()).isInstanceOf(FileRecords.class);
        List<RecordBatch> stored = batches(fetched.records());
        assertThat(stored).hasSize(4);
        for (int i = 0; i < 4; i++) {
            RecordBatch batch = stored.get(i);
            ByteBuffer bytes = ByteBuffer.allocate(batch.sizeInBytes());
            batch.writeTo(bytes);
            byte[] storedBytes = bytes.array();
            byte[] original = sent.get(i);
            assertThat(storedBytes).hasSameSizeAs(original);
            assertThat(bytes.getLong(0)).isEqualTo(3L * i);
            assertThat(bytes.getInt(12)).isEqualTo(5);
            assertThat(Arrays.copyOfRange(storedBytes, 8, 12)).isEqualTo(Arrays.copyOfRange(original, 8, 12));
            assertThat(Arrays.copyOfRange(storedBytes, 16, storedBytes.length))
                .isEqualTo(Arrays.copyOfRange(original, 16, original.length));
            assertThat(batch.compressionType()).isEqualTo(CompressionType.forName(codec));
            assertThat(batch.isValid()).isTrue();
        }
        assertThat(TestRecords.values(fetched.records())).startsWith("k0-a", "k0-b");
        assertThat(TestRecords.offsets(fetched.records())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
            10L, 11L);
    }

    @Test
    void readStartsAtTheBatchContainingTheOffsetFoundThroughTheIndex() {
        PartitionLog log = open(LogConfig.defaults().withIndexIntervalBytes(100));
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "a" + i, "b" + i), 0);
        }
        SegmentInfo segment = log.segments().get(0);
        assertThat(segment.active()).isTrue();

        FetchDataInfo info = log.read(61, 1 << 20, log.logEndOffset(), false);
        List<RecordBatch> fetched = batches(info.records());
        assertThat(fetched.get(0).baseOffset()).isEqualTo(60);
        assertThat(fetched.get(fetched.size() - 1).lastOffset()).isEqualTo(99);
        assertThat(info.fetchOffset()).isEqualTo(61);
    }

    @Test
    void readDoesNotScanFromTheSegmentStart() throws Exception {
        LogConfig config = LogConfig.defaults().withIndexIntervalBytes(100);
        PartitionLog log = open(config);
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "a" + i, "b" + i), 0);
        }
        log.close();
        Path logFile = log.segments().get(0).logFile();
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, 3), 8);
        }
        PartitionLog reopened = reopenClean(log, config);

        List<RecordBatch> fetched = batches(reopened.read(61, 1 << 20, Long.MAX_VALUE, false).records());
        assertThat(fetched.get(0).baseOffset()).isEqualTo(60);
        assertThatThrownBy(() -> reopened.read(0, 1 << 20, Long.MAX_VALUE, false))
            .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void readReturnsWholeBatchesWithinTheByteLimitAndMinOneMessage() {
        PartitionLog log = open(LogConfig.defaults());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i), 0);
        }
        int batchSize = batches(log.read(0, 1 << 20, Long.MAX_VALUE, false).records()).get(0).sizeInBytes();

        assertThat(log.read(0, 2 * batchSize + batchSize / 2, Long.MAX_VALUE, false).records().sizeInBytes())
            .isEqualTo(2 * batchSize);
        assertThat(log.read(0, 1, Long.MAX_VALUE, false).records().sizeInBytes()).isZero();
        assertThat(batches(log.read(0, 1, Long.MAX_VALUE, true).records())).hasSize(1);
        assertThat(log.read(0, 0, Long.MAX_VALUE, true).records().sizeInBytes()).isEqualTo(batchSize);
    }

    @Test
    void readStopsBeforeTheUpperBoundOffset() {
        PartitionLog log = open(LogConfig.defaults());
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "a", "b"), 0);
        }
        log.updateHighWatermark(6);
        List<RecordBatch> visible = batches(log.read(0, 1 << 20, log.highWatermark(), false).records());
        assertThat(visible).hasSize(3);
        assertThat(visible.get(2).lastOffset()).isEqualTo(5);
        assertThat(log.read(6, 1 << 20, log.highWatermark(), true).isEmpty()).isTrue();
        assertThat(batches(log.read(6, 1 << 20, log.logEndOffset(), true).records())).hasSize(2);
    }

    @Test
    void readOutsideTheLogIsOffsetOutOfRange() {
        PartitionLog log = open(LogConfig.defaults());
        log.appendAsLeader(TestRecords.batch(START_MS, "a", "b"), 0);
        assertThat(log.read(2, 100, Long.MAX_VALUE, true).isEmpty()).isTrue();
        assertThatThrownBy(() -> log.read(3, 100, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
        assertThatThrownBy(() -> log.read(-1, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void readsSpanSegmentsOneSegmentAtATime() {
        PartitionLog log = open(smallConfig());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i), 0);
            expected.add("value-" + i);
        }
        assertThat(log.segments()).hasSizeGreaterThan(2);
        assertThat(readAllValues(log)).isEqualTo(expected);
    }

    @Test
    void logAppendTimeTopicsGetBrokerTimestamps() {
        PartitionLog log = open(LogConfig.defaults().withMessageTimestampType(TimestampType.LOG_APPEND_TIME));
        time.advance(1234);
        LogAppendInfo info = log.appendAsLeader(TestRecords.batch(5L, "a", "b"), 0);
        assertThat(info.logAppendTime()).isEqualTo(START_MS + 1234);
        RecordBatch stored = batches(log.read(0, 1000, Long.MAX_VALUE, true).records()).get(0);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(START_MS + 1234);
        assertThat(stored.isValid()).isTrue();
    }

    @Test
    void batchLargerThanASegmentIsRecordListTooLarge() {
        PartitionLog log = open(LogConfig.defaults().withSegmentBytes(200));
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.batch(START_MS, "x".repeat(300)), 0))
            .isInstanceOf(RecordBatchTooLargeException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.RECORD_LIST_TOO_LARGE));
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void highWatermarkIsClampedToTheLog() {
        PartitionLog log = open(LogConfig.defaults());
        assertThat(log.highWatermark()).isZero();
        log.appendAsLeader(TestRecords.batch(START_MS, "a", "b", "c"), 0);
        assertThat(log.updateHighWatermark(10)).isEqualTo(3);
        assertThat(log.updateHighWatermark(-5)).isZero();
    }

    @Test
    void flushMessagesOneFsyncsEveryAppendAndAdvancesTheRecoveryPoint() {
        PartitionLog log = open(LogConfig.defaults().withFlushMessages(1));
        log.appendAsLeader(TestRecords.batch(START_MS, "a"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(1);
        log.appendAsLeader(TestRecords.batch(START_MS, "b", "c"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void defaultFlushPolicyLeavesTheRecoveryPointUntilFlush() {
        PartitionLog log = open(LogConfig.defaults());
        log.appendAsLeader(TestRecords.batch(START_MS, "a"), 0);
        assertThat(log.recoveryPoint()).isZero();
        time.advance(50);
        log.flush();
        assertThat(log.recoveryPoint()).isEqualTo(1);
        assertThat(log.lastFlushTime()).isEqualTo(START_MS + 50);
    }

    @Test
    void leaderEpochsAreRecordedWhenAppendingAsLeader() {
        PartitionLog log = open(LogConfig.defaults());
        log.appendAsLeader(TestRecords.batch(START_MS, "a", "b"), 1);
        log.appendAsLeader(TestRecords.batch(START_MS, "c"), 1);
        log.appendAsLeader(TestRecords.batch(START_MS, "d"), 4);
        assertThat(log.leaderEpochCache().epochEntries()).extracting(e -> e.epoch() + "@" + e.startOffset())
            .containsExactly("1@0", "4@3");
        assertThat(log.leaderEpochCache().endOffsetFor(1, log.logEndOffset()).endOffset()).isEqualTo(3);
        assertThat(log.leaderEpochCache().endOffsetFor(4, log.logEndOffset()).endOffset()).isEqualTo(4);
        assertThat(log.latestOffset()).isEqualTo(new OffsetAndTimestamp(4, -1, 4));
        assertThat(log.earliestOffset()).isEqualTo(new OffsetAndTimestamp(0, -1, 1));
    }
}
