package io.sluice.storage.log;

import io.sluice.storage.ManualTime;
import io.sluice.storage.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LogManagerTest {
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders-eu", 1);
    private static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    private final ManualTime time = new ManualTime(START_MS);
    private final Uuid topicId = Uuid.randomUuid();
    private ScheduledThreadPoolExecutor scheduler;
    private final List<LogManager> managers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (LogManager manager : managers) {
            manager.allLogs().forEach(log -> {
                if (!log.isClosed()) {
                    log.closeHandlers();
                }
            });
        }
        scheduler.shutdown();
        assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private LogManager manager(LogManagerConfig config) {
        LogManager manager = new LogManager(logDir, time, scheduler, config);
        managers.add(manager);
        return manager;
    }

    private static LogManagerConfig quietConfig() {
        return LogManagerConfig.defaults();
    }

    private static LogConfig config() {
        return LogConfig.defaults().withSegmentBytes(2048).withIndexIntervalBytes(200).withSegmentIndexBytes(4096);
    }

    private List<String> children() throws Exception {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void cleanShutdownWritesKafkasCheckpointsAndTheMarkerAndRestartSkipsRecovery() throws Exception {
        LogManager first = manager(quietConfig());
        first.startup(tp -> config());
        PartitionLog orders = first.getOrCreateLog(T0, topicId, config());
        PartitionLog eu = first.getOrCreateLog(T1, topicId, config());
        for (int i = 0; i < 5; i++) {
            orders.appendAsLeader(TestRecords.batch(START_MS, "a" + i, "b" + i), 0);
        }
        eu.appendAsLeader(TestRecords.batch(START_MS, "x"), 0);
        orders.updateHighWatermark(8);
        first.close();

        assertThat(children()).contains(".kafka_cleanshutdown", "orders-0", "orders-eu-1",
            "recovery-point-offset-checkpoint", "log-start-offset-checkpoint", "replication-offset-checkpoint");
        assertThat(Files.readString(logDir.resolve("recovery-point-offset-checkpoint")))
            .isEqualTo("0\n2\norders 0 10\norders-eu 1 1\n");
        assertThat(Files.readString(logDir.resolve("log-start-offset-checkpoint")))
            .isEqualTo("0\n2\norders 0 0\norders-eu 1 0\n");
        assertThat(Files.readString(logDir.resolve("replication-offset-checkpoint")))
            .isEqualTo("0\n2\norders 0 8\norders-eu 1 0\n");
        assertThat(Files.readString(logDir.resolve("orders-0/partition.metadata"))).contains(topicId.toString());

        LogManager second = manager(quietConfig());
        second.startup(tp -> config());
        assertThat(children()).doesNotContain(".kafka_cleanshutdown");
        PartitionLog reloaded = second.getLog(T0).orElseThrow();
        assertThat(reloaded.logEndOffset()).isEqualTo(10);
        assertThat(reloaded.highWatermark()).isEqualTo(8);
        assertThat(reloaded.recoveryPoint()).isEqualTo(10);
        assertThat(reloaded.topicId()).contains(topicId);
        assertThat(second.getLog(T1).orElseThrow().logEndOffset()).isEqualTo(1);
        assertThat(second.getOrCreateLog(T0, topicId, config())).isSameAs(reloaded);
    }

    @Test
    void uncleanShutdownRecoversFromTheCheckpointedRecoveryPoint() throws Exception {
        LogManager first = manager(quietConfig());
        first.startup(tp -> config());
        PartitionLog log = first.getOrCreateLog(T0, topicId, config());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), 0);
        }
        log.updateHighWatermark(30);
        first.checkpointHighWatermarks();
        first.checkpointRecoveryPoints();
        long endOffset = log.logEndOffset();
        first.allLogs().forEach(PartitionLog::closeHandlers);

        LogManager second = manager(quietConfig());
        second.startup(tp -> config());
        PartitionLog recovered = second.getLog(T0).orElseThrow();
        assertThat(recovered.logEndOffset()).isEqualTo(endOffset);
        assertThat(recovered.highWatermark()).isEqualTo(30);
        assertThat(LogTestSupport.readAllValues(recovered)).hasSize(80);
    }

    @Test
    void topicIdMismatchIsRefused() {
        LogManager manager = manager(quietConfig());
        manager.startup(tp -> config());
        manager.getOrCreateLog(T0, topicId, config());
        assertThatThrownBy(() -> manager.getOrCreateLog(T0, Uuid.randomUuid(), config()))
            .isInstanceOf(InconsistentTopicIdException.class);
    }

    @Test
    void deletedLogIsRenamedThenRemoved() throws Exception {
        LogManager manager = manager(quietConfig());
        manager.startup(tp -> config());
        PartitionLog log = manager.getOrCreateLog(T0, topicId, config().withFileDeleteDelayMs(200));
        log.appendAsLeader(TestRecords.batch(START_MS, "a"), 0);

        manager.deleteLog(T0);

        assertThat(manager.getLog(T0)).isEmpty();
        assertThat(children()).noneMatch(name -> name.equals("orders-0"))
            .anyMatch(name -> name.matches("orders-0\\.[0-9a-f]{32}-delete"));
        assertThat(Files.readString(logDir.resolve("recovery-point-offset-checkpoint"))).isEqualTo("0\n0\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> children().stream().noneMatch(n -> n.endsWith("-delete")));
    }

    @Test
    void startupRemovesLeftoverDeletedDirectoriesAndSkipsStrangers() throws Exception {
        Files.createDirectories(logDir.resolve("old-0.0123456789abcdef0123456789abcdef-delete"));
        Files.writeString(logDir.resolve("old-0.0123456789abcdef0123456789abcdef-delete/00000000000000000000.log"), "");
        Files.createDirectories(logDir.resolve("lost+found"));
        LogManager manager = manager(quietConfig());
        manager.startup(tp -> null);
        assertThat(manager.allLogs()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> children().stream().noneMatch(n -> n.endsWith("-delete")));
        assertThat(children()).contains("lost+found");
    }

    @Test
    void periodicTasksRunRetentionFlushAndCheckpoints() throws Exception {
        LogManagerConfig fast = new LogManagerConfig(20, 20, 20, 20, 20, 20, 0);
        LogManager manager = manager(fast);
        manager.startup(tp -> config());
        LogConfig config = config().withRetentionMs(60_000).withFlushMs(1000).withFileDeleteDelayMs(0);
        PartitionLog log = manager.getOrCreateLog(T0, topicId, config);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
        long activeBase = log.segments().get(log.segments().size() - 1).baseOffset();
        // Rolled segments are flushed in the background; let that finish before the clock moves.
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == activeBase);
        time.advance(60_001);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.logStartOffset() == activeBase);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.recoveryPoint())
            .as("recovery point; last flush %d, now %d, scheduler %s", log.lastFlushTime(), time.milliseconds(),
                scheduler).isEqualTo(log.logEndOffset()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(
            logDir.resolve("log-start-offset-checkpoint"))).isEqualTo("0\n1\norders 0 " + activeBase + "\n"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(
            logDir.resolve("recovery-point-offset-checkpoint"))).isEqualTo("0\n1\norders 0 " + log.logEndOffset() + "\n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Stream<Path> files = Files.list(log.dir())) {
                return files.noneMatch(p -> p.toString().endsWith(".deleted"));
            }
        });
    }

    @Test
    void configChangesApplyToTheLog() {
        LogManager manager = manager(quietConfig());
        manager.startup(tp -> config());
        PartitionLog log = manager.getOrCreateLog(T0, topicId, config());
        manager.updateConfig(T0, config().withRetentionBytes(1234));
        assertThat(log.config().retentionBytes()).isEqualTo(1234);
    }

    @Test
    void aTieredLogStartOffsetBelowTheLocalSegmentsSurvivesARestartOnlyWithRemoteStorageOn() throws Exception {
        LogConfig tiered = config().withRemoteStorageEnable(true).withLocalRetentionBytes(0);
        LogManager first = manager(quietConfig());
        first.startup(tp -> tiered);
        PartitionLog log = first.getOrCreateLog(T0, topicId, tiered);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
        List<SegmentInfo> segments = log.segments();
        assertThat(first.cleanupLogs()).isZero();
        log.updateHighestOffsetInRemoteStorage(segments.get(1).lastOffset());
        assertThat(first.cleanupLogs()).isEqualTo(2);
        assertThat(log.maybeIncrementLogStartOffset(5)).isTrue();
        first.close();
        assertThat(Files.readString(logDir.resolve("log-start-offset-checkpoint"))).isEqualTo("0\n1\norders 0 5\n");

        LogManager second = manager(quietConfig());
        second.startup(tp -> tiered);
        PartitionLog reloaded = second.getLog(T0).orElseThrow();
        assertThat(reloaded.logStartOffset()).isEqualTo(5);
        assertThat(reloaded.localLogStartOffset()).isEqualTo(segments.get(2).baseOffset());
        assertThat(reloaded.highestOffsetInRemoteStorage()).isEqualTo(-1);
        second.close();

        LogManager third = manager(quietConfig());
        third.startup(tp -> config());
        PartitionLog untiered = third.getLog(T0).orElseThrow();
        assertThat(untiered.logStartOffset()).isEqualTo(segments.get(2).baseOffset());
        assertThat(untiered.localLogStartOffset()).isEqualTo(segments.get(2).baseOffset());
    }
}
