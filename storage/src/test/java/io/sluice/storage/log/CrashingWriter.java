package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Child process of {@link KillNineRecoveryTest}: appends idempotent batches as fast as it can and prints
 * {@code ACK <sequence> <offset>} after each append returned, until it is killed (or has written
 * {@value #MAX_APPENDS} batches, or its parent stopped reading).
 */
public final class CrashingWriter {
    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final Uuid TOPIC_ID = Uuid.fromString("Y3Jhc2gtdG9waWMtaWQhIQ");
    static final long PRODUCER_ID = 77L;
    static final int MAX_APPENDS = 200_000;

    private CrashingWriter() {
    }

    static LogConfig config() {
        return LogConfig.defaults().withSegmentBytes(64 * 1024).withSegmentIndexBytes(64 * 1024);
    }

    public static void main(String[] args) throws Exception {
        Path logDir = Path.of(args[0]);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        LogManager manager = new LogManager(logDir, Time.SYSTEM, scheduler, LogManagerConfig.defaults());
        manager.startup(tp -> config());
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config());
        PrintStream out = System.out;
        for (int sequence = 0; sequence < MAX_APPENDS; sequence++) {
            LogAppendInfo info = log.appendAsLeader(TestRecords.idempotentBatch(PRODUCER_ID, (short) 0, sequence,
                System.currentTimeMillis(), "value-" + sequence), 0);
            log.updateHighWatermark(info.lastOffset() + 1);
            out.println("ACK " + sequence + " " + info.firstOffset());
            out.flush();
            if (out.checkError()) {
                break;
            }
        }
        System.exit(0);
    }
}
