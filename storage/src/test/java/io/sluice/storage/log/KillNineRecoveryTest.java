package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real crash: a child JVM appends through {@link LogManager} and is killed with SIGKILL mid-stream. Every append
 * it acknowledged must be readable after recovery (the page cache survives a process kill), and the producer
 * state must still recognise a retry of the last acknowledged batch.
 */
class KillNineRecoveryTest {
    @TempDir
    Path work;

    @Test
    @Timeout(120)
    void acknowledgedAppendsSurviveKillNine() throws Exception {
        Path logDir = work.resolve("logs");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            CrashingWriter.class.getName(), logDir.toString())
            .redirectError(work.resolve("child.err").toFile())
            .start();
        int lastSequence = -1;
        long lastOffset = -1;
        try (BufferedReader acks = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = acks.readLine()) != null) {
                if (!line.startsWith("ACK ")) {
                    continue;
                }
                String[] parts = line.split(" ");
                lastSequence = Integer.parseInt(parts[1]);
                lastOffset = Long.parseLong(parts[2]);
                if (lastSequence == 3000) {
                    // SIGKILL through the process handle: Process.destroyForcibly would also close our pipe.
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(lastSequence).isGreaterThanOrEqualTo(3000);
        assertThat(logDir.resolve(".kafka_cleanshutdown")).doesNotExist();

        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        LogManager manager = new LogManager(logDir, Time.SYSTEM, scheduler, LogManagerConfig.defaults());
        try {
            manager.startup(tp -> CrashingWriter.config());
            PartitionLog log = manager.getLog(CrashingWriter.TP).orElseThrow();
            assertThat(log.segments()).hasSizeGreaterThan(1);
            assertThat(log.logEndOffset()).isGreaterThan(lastOffset);
            List<String> values = LogTestSupport.readAllValues(log);
            for (int i = 0; i <= lastSequence; i++) {
                assertThat(values.get(i)).isEqualTo("value-" + i);
            }
            LogAppendInfo retry = log.appendAsLeader(TestRecords.idempotentBatch(CrashingWriter.PRODUCER_ID,
                (short) 0, lastSequence, System.currentTimeMillis(), "value-" + lastSequence), 0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(lastOffset);
            manager.close();
            assertThat(Files.exists(logDir.resolve(".kafka_cleanshutdown"))).isTrue();
        } finally {
            scheduler.shutdown();
            assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
