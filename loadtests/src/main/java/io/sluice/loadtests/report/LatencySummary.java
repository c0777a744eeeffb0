package io.sluice.loadtests.report;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, read from an HdrHistogram of microseconds (values exact to 0.1 %).
 *
 * @param count latencies recorded
 * @param p50Ms median
 * @param p99Ms 99th percentile
 * @param p999Ms 99.9th percentile
 * @param maxMs largest
 * @param meanMs arithmetic mean
 */
public record LatencySummary(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {
    private static final double MICROS_PER_MS = 1_000.0;

    /**
     * @param micros latencies in microseconds
     * @return their percentiles in milliseconds, or {@code null} if the histogram is empty
     */
    public static LatencySummary fromMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return null;
        }
        return new LatencySummary(
            micros.getTotalCount(),
            micros.getValueAtPercentile(50.0) / MICROS_PER_MS,
            micros.getValueAtPercentile(99.0) / MICROS_PER_MS,
            micros.getValueAtPercentile(99.9) / MICROS_PER_MS,
            micros.getMaxValue() / MICROS_PER_MS,
            micros.getMean() / MICROS_PER_MS);
    }
}
