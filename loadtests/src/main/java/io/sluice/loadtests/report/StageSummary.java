package io.sluice.loadtests.report;

import io.sluice.loadtests.metrics.StageMetrics;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Throughput of one side of a run, over the window from its start to its last completed record.
 *
 * @param records records completed (produce: acknowledged; consume: received)
 * @param bytes their payload bytes (key plus value)
 * @param seconds length of the measured window
 * @param recordsPerSecond {@code records / seconds} (0 for an empty window)
 * @param megabytesPerSecond {@code bytes / 2^20 / seconds} (0 for an empty window)
 * @param errors records failed, all kinds together
 * @param errorsByKind records failed by exception class name or HTTP status, sorted by kind
 */
public record StageSummary(
    long records,
    long bytes,
    double seconds,
    double recordsPerSecond,
    double megabytesPerSecond,
    long errors,
    Map<String, Long> errorsByKind) {

    /** Copies {@code errorsByKind}, sorted by kind. */
    public StageSummary {
        errorsByKind = Collections.unmodifiableMap(new TreeMap<>(errorsByKind));
    }

    /**
     * @param records records completed
     * @param bytes their payload bytes
     * @param nanos length of the window they completed in
     * @param errorsByKind records failed by kind
     * @return the summary, rates computed from the window
     */
    public static StageSummary of(long records, long bytes, long nanos, Map<String, Long> errorsByKind) {
        long errors = errorsByKind.values().stream().mapToLong(Long::longValue).sum();
        return new StageSummary(records, bytes, nanos / 1e9, Units.perSecond(records, nanos),
            Units.perSecond(bytes, nanos) / Units.BYTES_PER_MB, errors, errorsByKind);
    }

    /** @return the summary of a stage's counters as they are now */
    public static StageSummary of(StageMetrics metrics) {
        return of(metrics.records(), metrics.bytes(), metrics.activeNanos(), metrics.errorsByKind());
    }
}
