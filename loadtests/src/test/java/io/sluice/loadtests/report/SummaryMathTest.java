package io.sluice.loadtests.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SummaryMathTest {
    private static final Offset<Double> EXACT = within(1e-9);

    @Test
    void throughputIsOverTheMeasuredWindowInBinaryMegabytes() {
        // 10,000 records of 1 KiB in 2.5 s.
        StageSummary s = StageSummary.of(10_000, 10_000L * 1024, 2_500_000_000L, Map.of("TimeoutException", 3L, "HTTP 503", 4L));

        assertThat(s.seconds()).isCloseTo(2.5, EXACT);
        assertThat(s.recordsPerSecond()).isCloseTo(4_000.0, EXACT);
        assertThat(s.megabytesPerSecond()).isCloseTo(10_000.0 * 1024 / 1_048_576 / 2.5, EXACT);
        assertThat(s.errors()).isEqualTo(7);
        assertThat(s.errorsByKind()).containsExactlyInAnyOrderEntriesOf(Map.of("TimeoutException", 3L, "HTTP 503", 4L));
    }

    @Test
    void anEmptyWindowHasZeroRatesNotInfinity() {
        StageSummary s = StageSummary.of(0, 0, 0, Map.of());
        assertThat(s.recordsPerSecond()).isZero();
        assertThat(s.megabytesPerSecond()).isZero();
        assertThat(s.errors()).isZero();
    }

    @Test
    void percentilesComeFromTheHistogramInMilliseconds() {
        Histogram micros = new Histogram(3);
        for (long ms = 1; ms <= 1000; ms++) {
            micros.recordValue(ms * 1000);
        }

        LatencySummary l = LatencySummary.fromMicros(micros);

        assertThat(l.count()).isEqualTo(1000);
        // Three significant digits: each value is exact to 0.1 %.
        assertThat(l.p50Ms()).isCloseTo(500.0, within(0.5));
        assertThat(l.p99Ms()).isCloseTo(990.0, within(1.0));
        assertThat(l.p999Ms()).isCloseTo(999.0, within(1.0));
        assertThat(l.maxMs()).isCloseTo(1000.0, within(1.0));
        assertThat(l.meanMs()).isCloseTo(500.5, within(0.5));
    }

    @Test
    void noLatenciesMeansNoSummary() {
        assertThat(LatencySummary.fromMicros(new Histogram(3))).isNull();
    }

    @Test
    void brokerCpuPerBinaryGigabyteProduced() {
        BrokerCpuSummary cpu = BrokerCpuSummary.of(4321, 10.0, 13.5, 2L * 1024 * 1024 * 1024);
        assertThat(cpu.pid()).isEqualTo(4321);
        assertThat(cpu.cpuSeconds()).isCloseTo(3.5, EXACT);
        assertThat(cpu.producedGigabytes()).isCloseTo(2.0, EXACT);
        assertThat(cpu.cpuSecondsPerGigabyte()).isCloseTo(1.75, EXACT);
    }

    @Test
    void brokerCpuWithNothingProducedHasNoPerGigabyteFigure() {
        BrokerCpuSummary cpu = BrokerCpuSummary.of(1, 5.0, 5.25, 0);
        assertThat(cpu.cpuSeconds()).isCloseTo(0.25, EXACT);
        assertThat(cpu.cpuSecondsPerGigabyte()).isNull();
    }
}
