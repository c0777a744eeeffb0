package io.sluice.loadtests.workload;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Time;

/**
 * The bound on how many records the producers of one run may send: a total count shared by all producers,
 * a deadline, or both (whichever is reached first), and a manual stop.
 *
 * <p>The clock starts at {@link #start()}, so time spent positioning consumers before producers begin is not
 * taken from the duration. Producers call {@link #tryAcquire(int)} before each record or batch; once it
 * returns 0 they stop. Every produce loop of the load generator ends through this class. Thread-safe and
 * lock-free.
 */
public final class WorkBudget {
    /** Value of {@code maxRecords} meaning no count limit. */
    public static final long UNBOUNDED_COUNT = Long.MAX_VALUE;

    private final Time time;
    private final AtomicLong remaining;
    private final long durationNanos;
    private volatile long deadlineNanos;
    private volatile boolean started;
    private volatile boolean stopped;

    private WorkBudget(long maxRecords, long durationNanos, Time time) {
        if (maxRecords < 0) {
            throw new IllegalArgumentException("maxRecords must not be negative, got " + maxRecords);
        }
        this.time = time;
        this.remaining = new AtomicLong(maxRecords);
        this.durationNanos = durationNanos;
    }

    /**
     * @param maxRecords total records all producers may send together, {@link #UNBOUNDED_COUNT} for no count limit
     * @param durationNanos how long from {@link #start()} producers may send, or {@code Long.MAX_VALUE} for no
     *     time limit
     * @param time clock for the deadline
     * @throws IllegalArgumentException if both limits are absent (the run would never end) or one is negative
     */
    public static WorkBudget of(long maxRecords, long durationNanos, Time time) {
        if (maxRecords == UNBOUNDED_COUNT && durationNanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("a work budget needs a record count, a duration or both");
        }
        if (durationNanos < 0) {
            throw new IllegalArgumentException("duration must not be negative, got " + durationNanos + " ns");
        }
        return new WorkBudget(maxRecords, durationNanos, time);
    }

    /** Starts the clock of the duration limit; later calls do nothing. */
    public synchronized void start() {
        if (!started) {
            long now = time.nanoseconds();
            deadlineNanos = durationNanos == Long.MAX_VALUE || now + durationNanos < now ? Long.MAX_VALUE : now + durationNanos;
            started = true;
        }
    }

    /**
     * Takes up to {@code wanted} records from the budget.
     *
     * @param wanted how many records the caller would like to send next, at least 1
     * @return how many it may send, in {@code [0, wanted]}; 0 means the budget is used up, the deadline has
     *     passed or {@link #stop()} was called, and stays 0 from then on
     * @throws IllegalStateException if {@link #start()} was not called
     */
    public int tryAcquire(int wanted) {
        if (wanted < 1) {
            throw new IllegalArgumentException("wanted must be at least 1, got " + wanted);
        }
        if (!started) {
            throw new IllegalStateException("the work budget was not started");
        }
        if (stopped) {
            return 0;
        }
        if (deadlineNanos != Long.MAX_VALUE && time.nanoseconds() >= deadlineNanos) {
            stopped = true;
            return 0;
        }
        while (true) {
            long left = remaining.get();
            if (left <= 0) {
                return 0;
            }
            long granted = Math.min(left, wanted);
            if (remaining.compareAndSet(left, left - granted)) {
                return (int) granted;
            }
        }
    }

    /**
     * @return true if one more record may be sent; same as {@code tryAcquire(1) == 1}
     * @throws IllegalStateException if {@link #start()} was not called
     */
    public boolean tryAcquire() {
        return tryAcquire(1) == 1;
    }

    /** Ends the budget now: every later {@link #tryAcquire} returns 0. */
    public void stop() {
        stopped = true;
    }

    /** @return true once {@link #stop()} was called or the deadline was seen to pass */
    public boolean isStopped() {
        return stopped;
    }
}
