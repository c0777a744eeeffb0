package io.sluice.loadtests.metrics;

import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one side of a run (produce or consume): records and payload bytes completed, errors, and when
 * the stage started and last completed a record. Payload bytes are key plus value bytes, without record
 * batch overhead, headers or protocol framing, as Kafka's performance tools count them. Thread-safe; updates
 * are striped ({@link LongAdder}) so many client threads do not contend.
 */
public final class StageMetrics {
    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final ErrorCounts errors = new ErrorCounts();
    private final LongAccumulator lastCompletionNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final LongAccumulator lastActivityNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private volatile long startNanos = Long.MIN_VALUE;

    /**
     * Marks the start of the stage's measured window (the first call wins).
     *
     * @param nanos a {@code Time.nanoseconds()} reading
     */
    public synchronized void markStart(long nanos) {
        if (startNanos == Long.MIN_VALUE) {
            startNanos = nanos;
        }
    }

    /**
     * @param count records completed, at least 1
     * @param payloadBytes their key plus value bytes
     * @param nowNanos completion time, a {@code Time.nanoseconds()} reading
     */
    public void recordCompleted(long count, long payloadBytes, long nowNanos) {
        records.add(count);
        bytes.add(payloadBytes);
        lastCompletionNanos.accumulate(nowNanos);
        lastActivityNanos.accumulate(nowNanos);
    }

    /**
     * @param error what failed (counted under its simple class name, see {@link ErrorCounts#kindOf})
     * @param count records it affected, at least 1
     * @param nowNanos when, a {@code Time.nanoseconds()} reading
     */
    public void recordFailed(Throwable error, long count, long nowNanos) {
        recordFailed(ErrorCounts.kindOf(error), count, nowNanos);
    }

    /**
     * @param kind what failed, e.g. {@code "HTTP 503"}
     * @param count records it affected, at least 1
     * @param nowNanos when, a {@code Time.nanoseconds()} reading
     */
    public void recordFailed(String kind, long count, long nowNanos) {
        errors.add(kind, count);
        lastActivityNanos.accumulate(nowNanos);
    }

    /** @return records failed so far, all kinds together */
    public long errorCount() {
        return errors.total();
    }

    /** @return a sorted copy of the error counts: kind to records failed */
    public Map<String, Long> errorsByKind() {
        return errors.snapshot();
    }

    /**
     * @return the later of the stage's start and its last completion or failure, or {@code Long.MIN_VALUE} if
     *     none of these happened: how long ago the stage last showed a sign of life
     */
    public long lastActivityNanos() {
        return Math.max(startNanos, lastActivityNanos.get());
    }

    /** @return records completed so far */
    public long records() {
        return records.sum();
    }

    /** @return payload bytes completed so far */
    public long bytes() {
        return bytes.sum();
    }

    /** @return the start of the measured window, or {@code Long.MIN_VALUE} if the stage never started */
    public long startNanos() {
        return startNanos;
    }

    /** @return when the last record completed, or {@code Long.MIN_VALUE} if none has */
    public long lastCompletionNanos() {
        return lastCompletionNanos.get();
    }

    /**
     * @return nanoseconds from {@link #markStart} to the last completion, the window throughput is measured
     *     over; 0 if the stage has not started or completed nothing
     */
    public long activeNanos() {
        long start = startNanos;
        long last = lastCompletionNanos.get();
        return start == Long.MIN_VALUE || last == Long.MIN_VALUE ? 0 : Math.max(0, last - start);
    }
}
