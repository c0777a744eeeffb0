package io.sluice.loadtests.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in microseconds, recorded wait-free from many threads into an HdrHistogram {@link Recorder}
 * and folded into a cumulative histogram when read.
 *
 * <p>Histograms keep three significant digits (values are exact to 0.1 %) and resize themselves, so no
 * latency is too large to record. Negative values (a clock read in a different order than it was written)
 * are recorded as 0. {@link #recordMicros} is thread-safe and wait-free; the readers are synchronized with
 * each other.
 */
public final class LatencyRecorder {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private final Histogram cumulative = new Histogram(SIGNIFICANT_DIGITS);
    private Histogram interval;

    /** @param micros one latency in microseconds */
    public void recordMicros(long micros) {
        recorder.recordValue(Math.max(0, micros));
    }

    /**
     * @param micros one latency in microseconds, shared by {@code count} records (e.g. one HTTP request)
     * @param count how many records, at least 1
     */
    public void recordMicros(long micros, long count) {
        recorder.recordValueWithCount(Math.max(0, micros), count);
    }

    /** @return a copy of every latency recorded so far */
    public synchronized Histogram cumulative() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return cumulative.copy();
    }
}
