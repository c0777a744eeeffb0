package io.sluice.loadtests.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
    @Test
    void onlyRecordsSentDuringThisRunGetEndToEndLatency() {
        RunMetrics metrics = new RunMetrics();
        long runStart = 1_000_000;

        metrics.recordConsumed(1024, 1_000_500, runStart, 1_002_500, 10); // ours, 2 ms
        metrics.recordConsumed(1024, 999_999, runStart, 1_003_000, 20);   // an older run's
        metrics.recordConsumed(1024, -1, runStart, 1_003_000, 30);        // no timestamp at all

        assertThat(metrics.consume().records()).isEqualTo(3);
        assertThat(metrics.consume().bytes()).isEqualTo(3 * 1024);
        assertThat(metrics.ownRecordsConsumed()).isEqualTo(1);
        assertThat(metrics.endToEndLatency().cumulative().getTotalCount()).isEqualTo(1);
        assertThat(metrics.endToEndLatency().cumulative().getMaxValue()).isBetween(1998L, 2002L);
    }

    @Test
    void stageWindowRunsFromStartToLastCompletionAndErrorsAreCountedByKind() {
        StageMetrics stage = new StageMetrics();
        assertThat(stage.activeNanos()).isZero();
        stage.markStart(100);
        stage.markStart(50); // the first start wins
        stage.recordCompleted(10, 10_240, 600);
        stage.recordCompleted(5, 5_120, 400);
        stage.recordFailed(new ExecutionException(new NotLeaderOrFollowerException("moved")), 3, 900);
        stage.recordFailed("HTTP 503", 2, 950);

        assertThat(stage.activeNanos()).isEqualTo(500);
        assertThat(stage.lastActivityNanos()).isEqualTo(950);
        assertThat(stage.records()).isEqualTo(15);
        assertThat(stage.errorCount()).isEqualTo(5);
        assertThat(stage.errorsByKind()).isEqualTo(Map.of("NotLeaderOrFollowerException", 3L, "HTTP 503", 2L));
    }

    @Test
    void latencyRecorderAccumulatesAcrossReadsAndClampsNegativeValues() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordMicros(1_000);
        assertThat(recorder.cumulative().getTotalCount()).isEqualTo(1);
        recorder.recordMicros(2_000, 9);
        recorder.recordMicros(-5);
        assertThat(recorder.cumulative().getTotalCount()).isEqualTo(11);
        assertThat(recorder.cumulative().getMinValue()).isZero();
    }
}
