package io.sluice.tiering.remote;

import io.sluice.storage.log.LogConfig;
import io.sluice.storage.log.LogLoadParams;
import io.sluice.storage.log.PartitionLog;
import io.sluice.storage.log.SegmentInfo;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real partition log written by the storage module's {@link PartitionLog}, with small segments, for upload tests.
 * Record {@code i} (its offset) has value {@code "record-<i>-<padding>"} and timestamp {@code firstTimestamp + i}.
 */
final class TestLog implements AutoCloseable {

    static final int SEGMENT_BYTES = 16 * 1024;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final PartitionLog log;
    private final long firstTimestamp;
    private long next;

    TestLog(Path dir, TopicPartition tp) {
        LogConfig config = LogConfig.defaults().withSegmentBytes(SEGMENT_BYTES).withIndexIntervalBytes(1024);
        this.log = PartitionLog.open(dir.resolve(tp.topic() + "-" + tp.partition()), tp, config,
            LogLoadParams.unknown(), Time.SYSTEM, scheduler);
        this.firstTimestamp = System.currentTimeMillis() - 60_000;
    }

    static String value(long offset) {
        return "record-" + offset + "-" + "x".repeat(180);
    }

    long timestampOf(long offset) {
        return firstTimestamp + offset;
    }

    /** Appends {@code batches} batches of 5 records each as leader at {@code leaderEpoch}. */
    TestLog append(int batches, int leaderEpoch) {
        for (int b = 0; b < batches; b++) {
            SimpleRecord[] records = new SimpleRecord[5];
            for (int i = 0; i < records.length; i++) {
                long offset = next + i;
                records[i] = new SimpleRecord(timestampOf(offset), null,
                    value(offset).getBytes(StandardCharsets.UTF_8));
            }
            log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records), leaderEpoch);
            next += records.length;
        }
        log.updateHighWatermark(log.logEndOffset());
        return this;
    }

    /** The sealed segments, oldest first. */
    List<SegmentInfo> sealed() {
        return log.segments().stream().filter(s -> !s.active()).toList();
    }

    PartitionLog log() {
        return log;
    }

    @Override
    public void close() {
        log.close();
        scheduler.shutdownNow();
    }
}
