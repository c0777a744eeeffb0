package io.sluice.loadtests.report;

import io.sluice.loadtests.metrics.LatencyRecorder;
import io.sluice.loadtests.metrics.RunMetrics;
import io.sluice.loadtests.metrics.StageMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.Time;

/**
 * Prints one progress line per interval while a run goes on: per side, the records/s and MB/s of the last
 * interval and the p99 latency of everything so far, plus the error total. For example:
 * <pre>
 * [   10.0s] produce 48,210 rec/s 47.08 MB/s p99 4.21 ms | consume 48,002 rec/s 46.88 MB/s e2e p99 7.80 ms | errors 0
 * </pre>
 * {@link #line()} is called from one thread at a time (the reporter's own, then the runner's).
 */
public final class ProgressReporter implements AutoCloseable {
    private final RunMetrics metrics;
    private final Time time;
    private final PrintWriter out;
    private final boolean produce;
    private final boolean consume;
    private final long startNanos;
    private ScheduledExecutorService scheduler;
    private long lastNanos;
    private long lastProduceRecords;
    private long lastProduceBytes;
    private long lastConsumeRecords;
    private long lastConsumeBytes;

    /**
     * @param metrics the run's metrics
     * @param time clock for the intervals
     * @param out where lines go
     * @param produce whether to show the produce side
     * @param consume whether to show the consume side
     */
    public ProgressReporter(RunMetrics metrics, Time time, PrintWriter out, boolean produce, boolean consume) {
        this.metrics = metrics;
        this.time = time;
        this.out = out;
        this.produce = produce;
        this.consume = consume;
        this.startNanos = time.nanoseconds();
        this.lastNanos = startNanos;
    }

    /**
     * Starts printing a line every {@code interval} on a daemon thread.
     *
     * @param interval time between lines, positive
     */
    public synchronized void start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadgen-progress");
            t.setDaemon(true);
            return t;
        });
        long nanos = interval.toNanos();
        scheduler.scheduleAtFixedRate(this::print, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Prints {@link #line()} and flushes. */
    public void print() {
        String line = line();
        out.println(line);
        out.flush();
    }

    /** @return the progress line for the interval since the previous call (or since construction) */
    public synchronized String line() {
        long now = time.nanoseconds();
        long interval = now - lastNanos;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%8.1fs]", (now - startNanos) / 1e9));
        if (produce) {
            StageMetrics st = metrics.produce();
            long records = st.records();
            long bytes = st.bytes();
            line.append(side(" produce", records - lastProduceRecords, bytes - lastProduceBytes, interval, "p99", metrics.produceLatency()));
            lastProduceRecords = records;
            lastProduceBytes = bytes;
        }
        if (consume) {
            StageMetrics st = metrics.consume();
            long records = st.records();
            long bytes = st.bytes();
            line.append(produce ? " |" : "")
                .append(side(" consume", records - lastConsumeRecords, bytes - lastConsumeBytes, interval, "e2e p99", metrics.endToEndLatency()));
            lastConsumeRecords = records;
            lastConsumeBytes = bytes;
        }
        long errors = metrics.produce().errorCount() + metrics.consume().errorCount();
        line.append(String.format(Locale.ROOT, " | errors %,d", errors));
        lastNanos = now;
        return line.toString();
    }

    private static String side(String name, long records, long bytes, long nanos, String latencyName, LatencyRecorder latency) {
        Histogram soFar = latency.cumulative();
        String p99 = soFar.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", soFar.getValueAtPercentile(99.0) / 1_000.0);
        return String.format(Locale.ROOT, "%s %,.0f rec/s %.2f MB/s %s %s", name, Units.perSecond(records, nanos),
            Units.perSecond(bytes, nanos) / Units.BYTES_PER_MB, latencyName, p99);
    }

    /** Stops the periodic lines; a line being printed is finished first. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
