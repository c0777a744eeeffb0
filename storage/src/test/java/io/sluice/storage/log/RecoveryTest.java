package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Crash recovery: the log is left as a crash leaves it, damaged, and reopened without a clean shutdown. */
class RecoveryTest extends LogTestSupport {
    private final LogConfig config = smallConfig();

    private PartitionLog logWith(int batches, List<String> values) {
        PartitionLog log = open(config);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS + i, "value-" + i, "x".repeat(30)), 1);
            values.add("value-" + i);
            values.add("x".repeat(30));
        }
        return log;
    }

    private static void truncateFile(Path file, long size) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
    }

    private PartitionLog reopenAfterCrash(long recoveryPoint) {
        return open(config, new LogLoadParams(false, recoveryPoint, 0L, -1L));
    }

    private static int lastBatchSize(PartitionLog log, long offset) {
        List<RecordBatch> batches = batches(log.read(offset, 1 << 20, Long.MAX_VALUE, true).records());
        return batches.get(batches.size() - 1).sizeInBytes();
    }

    @Test
    void tornTailBatchIsTruncatedAndEveryCompleteBatchRemains() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(30, values);
        SegmentInfo active = log.segments().get(log.segments().size() - 1);
        long endBefore = log.logEndOffset();
        int lastSize = lastBatchSize(log, active.baseOffset());
        log.closeHandlers();
        truncateFile(active.logFile(), active.sizeInBytes() - lastSize / 2);

        PartitionLog recovered = reopenAfterCrash(0);

        assertThat(recovered.logEndOffset()).isEqualTo(endBefore - 2);
        assertThat(Files.size(active.logFile())).isEqualTo(active.sizeInBytes() - lastSize);
        assertThat(readAllValues(recovered)).isEqualTo(values.subList(0, values.size() - 2));
        assertThat(recovered.appendAsLeader(TestRecords.batch(START_MS, "after"), 2).firstOffset())
            .isEqualTo(endBefore - 2);
    }

    @Test
    void garbageAfterTheLastBatchIsRemoved() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(30, values);
        SegmentInfo active = log.segments().get(log.segments().size() - 1);
        long endBefore = log.logEndOffset();
        log.closeHandlers();
        byte[] garbage = new byte[333];
        new Random(7).nextBytes(garbage);
        appendBytes(active.logFile(), garbage);

        PartitionLog recovered = reopenAfterCrash(0);

        assertThat(recovered.logEndOffset()).isEqualTo(endBefore);
        assertThat(Files.size(active.logFile())).isEqualTo(active.sizeInBytes());
        assertThat(readAllValues(recovered)).isEqualTo(values);
    }

    @Test
    void batchWithABadCrcEndsTheLogThere() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(30, values);
        SegmentInfo active = log.segments().get(log.segments().size() - 1);
        long endBefore = log.logEndOffset();
        int lastSize = lastBatchSize(log, active.baseOffset());
        log.closeHandlers();
        try (FileChannel channel = FileChannel.open(active.logFile(), StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
            long position = active.sizeInBytes() - 5;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, position);
        }

        PartitionLog recovered = reopenAfterCrash(0);

        assertThat(recovered.logEndOffset()).isEqualTo(endBefore - 2);
        assertThat(Files.size(active.logFile())).isEqualTo(active.sizeInBytes() - lastSize);
    }

    @Test
    void corruptionInAnEarlierSegmentDropsEverythingAfterIt() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(40, values);
        List<SegmentInfo> segments = log.segments();
        assertThat(segments).hasSizeGreaterThanOrEqualTo(3);
        SegmentInfo first = segments.get(0);
        int lastSize = lastBatchSize(log, first.baseOffset());
        log.closeHandlers();
        truncateFile(first.logFile(), first.sizeInBytes() - 3);

        PartitionLog recovered = reopenAfterCrash(0);

        assertThat(recovered.segments()).hasSize(1);
        assertThat(recovered.logEndOffset()).isEqualTo(first.nextOffset() - 2);
        assertThat(Files.size(first.logFile())).isEqualTo(first.sizeInBytes() - lastSize);
        assertThat(segments.get(1).logFile()).doesNotExist();
        assertThat(readAllValues(recovered)).isEqualTo(values.subList(0, (int) (first.nextOffset() - 2)));
    }

    @Test
    void missingIndexesAreRebuiltEvenAfterACleanShutdown() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(40, values);
        log.close();
        SegmentInfo sealed = log.segments().get(0);
        long indexSize = Files.size(sealed.offsetIndexFile());
        long timeIndexSize = Files.size(sealed.timeIndexFile());
        assertThat(indexSize).isPositive();
        Files.delete(sealed.offsetIndexFile());
        Files.delete(sealed.timeIndexFile());

        PartitionLog reopened = reopenClean(log, config);

        assertThat(Files.size(sealed.offsetIndexFile())).isEqualTo(indexSize);
        assertThat(Files.size(sealed.timeIndexFile())).isEqualTo(timeIndexSize);
        assertThat(readAllValues(reopened)).isEqualTo(values);
        assertThat(batches(reopened.read(9, 1 << 20, Long.MAX_VALUE, true).records()).get(0).baseOffset())
            .isEqualTo(8);
    }

    @Test
    void corruptIndexesAreDetectedAndRebuilt() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(40, values);
        log.close();
        SegmentInfo sealed = log.segments().get(0);
        byte[] original = Files.readAllBytes(sealed.offsetIndexFile());
        assertThat(original.length).isGreaterThanOrEqualTo(16);
        ByteBuffer wrong = ByteBuffer.allocate(original.length);
        for (int i = 0; i < original.length / 8; i++) {
            wrong.putInt(1).putInt(i * 10);
        }
        Files.write(sealed.offsetIndexFile(), wrong.array());
        byte[] garbage = new byte[25];
        new Random(3).nextBytes(garbage);
        Files.write(sealed.timeIndexFile(), garbage);

        PartitionLog reopened = reopenClean(log, config);

        assertThat(Files.readAllBytes(sealed.offsetIndexFile())).isEqualTo(original);
        assertThat(Files.size(sealed.timeIndexFile()) % 12).isZero();
        assertThat(readAllValues(reopened)).isEqualTo(values);
        assertThat(reopened.offsetForTimestamp(START_MS + 5)).hasValueSatisfying(o -> assertThat(o.offset())
            .isEqualTo(10));
    }

    @Test
    void crashLeavesPreallocatedIndexesThatRecoveryRebuilds() throws Exception {
        List<String> values = new ArrayList<>();
        PartitionLog log = logWith(12, values);
        SegmentInfo active = log.segments().get(log.segments().size() - 1);
        log.closeHandlers();
        assertThat(Files.size(active.offsetIndexFile())).isEqualTo(4096);

        PartitionLog recovered = reopenAfterCrash(active.baseOffset());

        assertThat(readAllValues(recovered)).isEqualTo(values);
        recovered.close();
        assertThat(Files.size(active.offsetIndexFile())).isLessThan(4096);
    }

    @Test
    void leaderEpochCacheIsTruncatedToTheRecoveredLogEnd() throws Exception {
        PartitionLog log = open(config);
        log.appendAsLeader(TestRecords.batch(START_MS, "a"), 1);
        log.appendAsLeader(TestRecords.batch(START_MS, "b"), 4);
        SegmentInfo active = log.segments().get(0);
        int lastSize = lastBatchSize(log, 0);
        log.closeHandlers();
        truncateFile(active.logFile(), active.sizeInBytes() - lastSize + 10);

        PartitionLog recovered = reopenAfterCrash(0);

        assertThat(recovered.logEndOffset()).isEqualTo(1);
        assertThat(recovered.leaderEpochCache().latestEpoch()).hasValue(1);
        assertThat(Files.readString(logDir().resolve("leader-epoch-checkpoint"))).isEqualTo("0\n1\n1 0\n");
    }

    @Test
    void leftoverTemporaryAndDeletedFilesAreRemovedOnLoad() throws Exception {
        PartitionLog log = logWith(3, new ArrayList<>());
        log.close();
        Files.writeString(logDir().resolve("00000000000000000099.log.deleted"), "old");
        Files.writeString(logDir().resolve("leader-epoch-checkpoint.tmp"), "half");
        Files.writeString(logDir().resolve("00000000000000000077.index"), "stray");

        reopenClean(log, config);

        assertThat(logDir().resolve("00000000000000000099.log.deleted")).doesNotExist();
        assertThat(logDir().resolve("leader-epoch-checkpoint.tmp")).doesNotExist();
        assertThat(logDir().resolve("00000000000000000077.index")).doesNotExist();
    }
}
