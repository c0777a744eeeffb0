package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayReportFormatterTest {
    @Test
    void ratiosCompareWarmWithWarmAndColdWithCold() {
        ReplayReport report = ReplayFixtures.report(Map.of());
        assertThat(report.warmRaw().megabytesPerSecond()).isEqualTo(512.0);
        assertThat(report.replay().laterPasses().megabytesPerSecond()).isEqualTo(208.0);
        assertThat(report.warmReplayToRawRatio()).isEqualTo(208.0 / 512.0);
        // cold: 1040 MB in 8 s = 130 MB/s against 1024 MB in 4 s = 256 MB/s
        assertThat(report.coldReplayToRawRatio()).isEqualTo(130.0 / 256.0);
    }

    @Test
    void withoutALaterReplayPassThereIsNoWarmRatio() {
        ReplayReport full = ReplayFixtures.report(Map.of());
        ReplayReport report = new ReplayReport(full.settings(), full.environment(), full.load(), full.tierWaitSeconds(),
            full.tiering(), full.rawPasses(), full.rawCpu(),
            new ReplayResult(1_048_576, full.replay().firstPass(), ReplayPass.NONE, 1), Map.of(), full.tailAlone(),
            full.tailDuringReplay());

        assertThat(report.warmReplayToRawRatio()).isNaN();
        assertThat(ReplayReportFormatter.format(report)).contains(
            "| replay: later passes (warm) | none (the first pass filled the window) |",
            "| **replay / raw store, warm** | n/a |");
    }

    @Test
    void rendersEveryStepAsAMarkdownTable() {
        List<String> lines = ReplayReportFormatter.format(ReplayFixtures.report(Map.of()));

        assertThat(lines.get(0)).isEqualTo("## Replay from object storage: topic replay-t");
        assertThat(lines).contains(
            "- cluster `127.0.0.1:9092`, store: s3 http://127.0.0.1:9000 bucket sluice; 2 cores, Java 17",
            "- topic: 1 partition, 1,024 B records, segment.bytes 64 MiB, local.retention.bytes 0 B, remote.storage.enable=true",
            "| step | result |",
            "| load (acks=1) | 1,048,576 records, 1,024.0 MB in 12.80 s = 80.00 MB/s, 0 errors |",
            "| tiering | 98.4% of 1,048,576 records below the local log start offset after 312.0 s |",
            "| raw store: ranged GETs of 1 MiB, 3 in flight, pass 1 (cold) | 16 `.log` objects, 1,024.0 MB in 4.00 s = 256.00 MB/s "
                + "(1,024 GETs, GET p50 9.00 ms, p99 30.00 ms) |",
            "| raw store: ranged GETs of 1 MiB, 3 in flight, pass 2 (warm) | 16 `.log` objects, 1,024.0 MB in 2.00 s = 512.00 MB/s "
                + "(1,024 GETs, GET p50 5.00 ms, p99 12.00 ms) |",
            "| replay: KafkaConsumer from offset 0, first pass (cold) | 1,048,576 of 1,048,576 records, 1,040.0 MB in 8.00 s "
                + "= 130.00 MB/s (131,072 records/s) |",
            "| replay: later passes (warm) | 2.00 passes: 2,080.0 MB in 10.00 s = 208.00 MB/s |",
            "| **replay / raw store, warm** | **0.41** |",
            "| replay / raw store, cold | **0.51** |",
            "| CPU during the last raw pass | store 3.0 s (3.0 s/GB) in 2.0 s |",
            "| alone | 30.0 | 30,000 | 30,000 | 0 | 1.25 | 3.50 | 8.00 | 12.00 |",
            "| during replay | 30.0 | 30,000 | 29,998 | 2 (TimeoutException=2) | 2.50 | 40.00 | 90.00 | 120.00 |");
        assertThat(lines).anySatisfy(l -> assertThat(l)
            .startsWith("| tail producer (acks=all, linger.ms=0, 1,000 records/s of 1,024 B) | seconds | sent |"));
        assertThat(lines).noneMatch(l -> l.contains("CPU during the replay window"));
    }

    @Test
    void cpuIsReportedPerProcessAndPerGigabyteFetched() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("broker", 15.6);
        cpu.put("load generator", 7.8);
        ReplayReport report = ReplayFixtures.report(cpu);
        // window: 1040 + 2080 MB = 3120 MB = 3.046875 GB fetched in 18 s
        assertThat(ReplayReport.perGigabyte(report.replayCpu(), report.replay().window().bytes()))
            .containsEntry("broker", 15.6 / (3120.0 / 1024));
        assertThat(ReplayReportFormatter.format(report))
            .contains("| CPU during the replay window | broker 15.6 s (5.1 s/GB), load generator 7.8 s (2.6 s/GB) in 18.0 s |");
        assertThat(ReplayReport.perGigabyte(cpu, 0)).isEmpty();
    }

    @Test
    void tailProducerOverridesAppearInTheTableHeader() {
        ReplayReport full = ReplayFixtures.report(Map.of());
        ReplaySettings s = full.settings();
        ReplaySettings lingering = new ReplaySettings(s.bootstrapServers(), s.topic(), s.partitions(), s.replicationFactor(),
            s.totalBytes(), s.recordSize(), s.segmentBytes(), s.localRetentionBytes(), s.loadAcks(), s.chunkBytes(),
            s.rawConcurrency(), s.rawPasses(), s.tailRate(), s.tailRecordSize(), s.tailDuration(), Map.of("linger.ms", "5"),
            s.tierTimeout(), s.replayIdleTimeout(), s.replayConsumerProperties(), s.objectStore(), null, null, false, null);
        ReplayReport report = new ReplayReport(lingering, full.environment(), full.load(), full.tierWaitSeconds(),
            full.tiering(), full.rawPasses(), full.rawCpu(), full.replay(), full.replayCpu(), full.tailAlone(),
            full.tailDuringReplay());

        assertThat(ReplayReportFormatter.format(report)).anySatisfy(l -> assertThat(l).startsWith("| tail producer (acks=all, linger.ms=5,"));
    }

    @Test
    void aReusedTopicHasNoLoadStep() {
        ReplayReport full = ReplayFixtures.report(Map.of());
        ReplayReport report = new ReplayReport(full.settings(), full.environment(), null, 0.1, full.tiering(),
            full.rawPasses(), full.rawCpu(), full.replay(), full.replayCpu(), full.tailAlone(), full.tailDuringReplay());

        assertThat(ReplayReportFormatter.format(report)).contains("| load | skipped: existing topic reused (--reuse-topic) |");
    }

    @Test
    void anIncompleteFirstPassIsFlagged() {
        ReplayReport full = ReplayFixtures.report(Map.of());
        ReplayPass cut = new ReplayPass(10, 10_240, 0, 1.0, false);
        ReplayReport report = new ReplayReport(full.settings(), full.environment(), full.load(), full.tierWaitSeconds(),
            full.tiering(), full.rawPasses(), full.rawCpu(), new ReplayResult(1_048_576, cut, ReplayPass.NONE, 0), Map.of(),
            full.tailAlone(), full.tailDuringReplay());

        assertThat(ReplayReportFormatter.format(report)).anySatisfy(l -> assertThat(l).contains("10 of 1,048,576 records").endsWith(", INCOMPLETE |"));
    }

    @Test
    void aReportNeedsARawPass() {
        ReplayReport full = ReplayFixtures.report(Map.of());
        assertThatThrownBy(() -> new ReplayReport(full.settings(), full.environment(), full.load(), full.tierWaitSeconds(),
            full.tiering(), List.of(), Map.of(), full.replay(), Map.of(), full.tailAlone(), full.tailDuringReplay()))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizesUseTheLargestBinaryUnitThatDividesThem() {
        assertThat(ReplayReportFormatter.size(0)).isEqualTo("0 B");
        assertThat(ReplayReportFormatter.size(1000)).isEqualTo("1,000 B");
        assertThat(ReplayReportFormatter.size(1536 * 1024)).isEqualTo("1,536 KiB");
        assertThat(ReplayReportFormatter.size(64L << 20)).isEqualTo("64 MiB");
        assertThat(ReplayReportFormatter.size(1L << 30)).isEqualTo("1 GiB");
    }
}
