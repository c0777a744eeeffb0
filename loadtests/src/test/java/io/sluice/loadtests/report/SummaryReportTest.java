package io.sluice.loadtests.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryReportTest {
    @TempDir
    Path dir;

    static LoadTestSummary bothSides() {
        StageSummary produce = StageSummary.of(1_000_000, 1_000_000L * 1024, 20_000_000_000L, Map.of("TimeoutException", 2L));
        StageSummary consume = StageSummary.of(999_998, 999_998L * 1024, 20_500_000_000L, Map.of());
        return new LoadTestSummary("kafka", "BOTH", "lt", 6, 1024, "all", "lz4", 4, 3, 50_000.0, 21.7,
            produce, new LatencySummary(1_000_000, 1.5, 4.25, 9.5, 20.0, 1.75),
            consume, 999_998L, new LatencySummary(999_998, 3.0, 8.0, 15.0, 30.5, 3.5),
            BrokerCpuSummary.of(4321, 100.0, 112.0, 1_000_000L * 1024));
    }

    @Test
    void jsonRoundTripsThroughAFile() throws IOException {
        LoadTestSummary summary = bothSides();
        Path file = dir.resolve("out").resolve("summary.json");

        SummaryJson.write(summary, file);

        assertThat(SummaryJson.read(file)).isEqualTo(summary);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void jsonNamesFieldsAfterTheRecordComponentsAndLeavesOutAbsentSections() throws IOException {
        LoadTestSummary produceOnly = new LoadTestSummary("http", "PRODUCE", "lt", 6, 1024, null, null, 2, 0, null, 3.0,
            StageSummary.of(300, 300 * 1024, 3_000_000_000L, Map.of()), null, null, null, null, null);

        JsonNode json = new ObjectMapper().readTree(SummaryJson.toJson(produceOnly));

        assertThat(json.get("produce").get("recordsPerSecond").asDouble()).isEqualTo(100.0);
        assertThat(json.get("produce").get("megabytesPerSecond").asDouble()).isEqualTo(0.09765625);
        assertThat(json.has("consume")).isFalse();
        assertThat(json.has("brokerCpu")).isFalse();
        assertThat(json.has("acks")).isFalse();
        JsonNode full = new ObjectMapper().readTree(SummaryJson.toJson(bothSides()));
        assertThat(full.get("endToEndLatency").get("p999Ms").asDouble()).isEqualTo(15.0);
        assertThat(full.get("brokerCpu").get("cpuSecondsPerGigabyte").asDouble()).isCloseTo(12.0 / (1_024_000_000.0 / (1 << 30)),
            org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void textSummaryShowsThroughputLatencyErrorsAndCpu() {
        List<String> lines = SummaryFormatter.format(bothSides());
        String text = String.join("\n", lines);

        assertThat(lines.get(0)).isEqualTo("=== Sluice load test summary ===");
        assertThat(text)
            .contains("acks all, compression lz4, 4 producers, 3 consumers, rate 50,000 records/s")
            .contains("produce: 1,000,000 records, 976.6 MB in 20.00 s = 50,000 records/s, 48.83 MB/s, 2 errors")
            .contains("ack latency ms: p50 1.50, p99 4.25, p99.9 9.50, max 20.00")
            .contains("consume: 999,998 records")
            .contains("end-to-end latency ms: p50 3.00, p99 8.00, p99.9 15.00, max 30.50")
            .contains("broker cpu (pid 4321): 12.00 s for 0.954 GB produced = 12.58 s/GB")
            .contains("errors: 2 (produce TimeoutException=2)");
    }

    @Test
    void textSummaryOfAnHttpProduceRunWithoutLatencies() {
        LoadTestSummary s = new LoadTestSummary("http", "PRODUCE", "lt", 1, 100, null, null, 1, 0, null, 1.0,
            StageSummary.of(0, 0, 0, Map.of("HTTP 404", 100L)), null, null, null, null, null);
        String text = String.join("\n", SummaryFormatter.format(s));
        assertThat(text).contains("rate unlimited").contains("ack latency: none measured")
            .contains("errors: 100 (produce HTTP 404=100)").doesNotContain("acks").doesNotContain("consume:").doesNotContain("end-to-end");
    }
}
