package io.sluice.storage.log;

import io.sluice.storage.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Common set-up for tests of a real {@link PartitionLog} in a temporary directory. */
abstract class LogTestSupport {
    static final TopicPartition TP = new TopicPartition("orders", 0);
    static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path tmp;
    final ManualTime time = new ManualTime(START_MS);
    ScheduledExecutorService scheduler;
    private final List<PartitionLog> opened = new ArrayList<>();

    @BeforeEach
    void startScheduler() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler = executor;
    }

    @AfterEach
    void closeLogsAndScheduler() {
        for (PartitionLog log : opened) {
            if (!log.isClosed()) {
                log.closeHandlers();
            }
        }
        // Never shutdownNow(): interrupting a thread inside FileChannel.force closes the channel.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new AssertionError("Scheduler did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Path logDir() {
        return tmp.resolve("orders-0");
    }

    /** Small segments and dense indexes so tests exercise rolling and index lookups. */
    static LogConfig smallConfig() {
        return LogConfig.defaults().withSegmentBytes(2048).withIndexIntervalBytes(150).withSegmentIndexBytes(4096);
    }

    PartitionLog open(LogConfig config) {
        return open(config, LogLoadParams.unknown());
    }

    PartitionLog open(LogConfig config, LogLoadParams params) {
        PartitionLog log = PartitionLog.open(logDir(), TP, config, params, time, scheduler);
        opened.add(log);
        return log;
    }

    /** Reopens after {@code log.close()}: what LogManager does after a clean shutdown. */
    PartitionLog reopenClean(PartitionLog log, LogConfig config) {
        return open(config, new LogLoadParams(true, log.recoveryPoint(), log.logStartOffset(), log.highWatermark()));
    }

    /** Simulates a crash (handles released, nothing flushed or trimmed) and reopens with recovery. */
    PartitionLog crashAndReopen(PartitionLog log, LogConfig config) {
        long recoveryPoint = log.recoveryPoint();
        long logStartOffset = log.logStartOffset();
        log.closeHandlers();
        return open(config, new LogLoadParams(false, recoveryPoint, logStartOffset, -1L));
    }

    /** Copies fetched records into memory, as a follower receives them from a Fetch response. */
    static MemoryRecords toMemory(Records records) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(records.sizeInBytes());
        for (RecordBatch batch : records.batches()) {
            batch.writeTo(buffer);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    static List<RecordBatch> batches(Records records) {
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        return batches;
    }

    /** Reads every record value from the log start to the log end offset. */
    static List<String> readAllValues(PartitionLog log) {
        List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        while (offset < end) {
            FetchDataInfo info = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
            if (info.isEmpty()) {
                throw new AssertionError("Empty read at " + offset + " below the log end offset " + end);
            }
            for (RecordBatch batch : info.records().batches()) {
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        values.add(valueOf(record));
                    }
                }
                offset = batch.nextOffset();
            }
        }
        return values;
    }

    static String valueOf(Record record) {
        ByteBuffer value = record.value();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
