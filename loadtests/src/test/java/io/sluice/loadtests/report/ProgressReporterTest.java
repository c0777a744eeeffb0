package io.sluice.loadtests.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.metrics.RunMetrics;
import io.sluice.loadtests.workload.ManualTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
    @Test
    void eachLineShowsTheLastIntervalsRatesAndTheP99SoFar() {
        ManualTime time = new ManualTime();
        RunMetrics metrics = new RunMetrics();
        StringWriter text = new StringWriter();
        ProgressReporter reporter = new ProgressReporter(metrics, time, new PrintWriter(text), true, true);

        for (int i = 1; i <= 100; i++) {
            metrics.produceLatency().recordMicros(i * 1000L); // 1..100 ms
        }
        metrics.produce().recordCompleted(2048, 2048L * 1024, time.nanoseconds());
        metrics.consume().recordCompleted(1024, 1024L * 1024, time.nanoseconds());
        time.advanceMillis(2000);

        String first = reporter.line();
        assertThat(first).startsWith("[     2.0s]")
            .contains("produce 1,024 rec/s 1.00 MB/s p99 99.")
            .contains("consume 512 rec/s 0.50 MB/s e2e p99 -")
            .endsWith("| errors 0");

        metrics.produce().recordCompleted(500, 500L * 1024, time.nanoseconds());
        metrics.consume().recordFailed("HTTP 500", 3, time.nanoseconds());
        time.advanceMillis(1000);
        reporter.print();

        assertThat(text.toString().strip()).startsWith("[     3.0s] produce 500 rec/s 0.49 MB/s").endsWith("| errors 3");
    }

    @Test
    void aProduceOnlyRunShowsOnlyTheProduceSide() {
        ManualTime time = new ManualTime();
        ProgressReporter reporter = new ProgressReporter(new RunMetrics(), time, new PrintWriter(new StringWriter()), true, false);
        time.advanceMillis(500);
        assertThat(reporter.line()).contains("produce 0 rec/s 0.00 MB/s p99 -").doesNotContain("consume");
    }
}
