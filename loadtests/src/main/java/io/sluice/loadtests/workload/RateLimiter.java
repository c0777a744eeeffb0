package io.sluice.loadtests.workload;

import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.utils.Time;

/**
 * Paces callers to a target rate of permits (records) per second, shared by all producer threads.
 *
 * <p>Each permit gets a slot on an absolute schedule spaced {@code 1e9 / rate} nanoseconds apart, and a
 * caller whose slot lies in the future parks its thread until then ({@link LockSupport#parkNanos}); nothing
 * spins. Because the schedule is absolute, the oversleeping of the OS timer (tens of microseconds) is made up
 * by the next callers, which find their slots already due, so the average rate holds even when each permit is
 * worth less than the timer's resolution. A caller that falls behind may catch up by at most
 * {@code maxBurst} permits: the schedule never lags the clock by more than that, so an idle period is not
 * followed by an unbounded burst. Like Kafka's {@code ThroughputThrottler} in its performance tools, this
 * limits the offered load; it does not measure it.
 *
 * <p>Thread-safe; slot assignment takes a short lock, waiting happens outside it.
 */
public final class RateLimiter {
    /** Parks the calling thread for a number of nanoseconds. Injected so tests can drive a fake clock. */
    @FunctionalInterface
    public interface Parker {
        /** @param nanos how long to wait, always positive */
        void park(long nanos);
    }

    private static final RateLimiter UNLIMITED = new RateLimiter();

    private final Time time;
    private final Parker parker;
    private final double nanosPerPermit;
    private final long maxBurstNanos;
    private final boolean unlimited;
    // Guarded by this; the time the next permit is due, as a fraction of nanoseconds so that rates that do
    // not divide a second evenly keep their exact average.
    private double nextSlotNanos;
    private boolean started;

    private RateLimiter() {
        this.time = Time.SYSTEM;
        this.parker = LockSupport::parkNanos;
        this.nanosPerPermit = 0;
        this.maxBurstNanos = 0;
        this.unlimited = true;
    }

    private RateLimiter(double permitsPerSecond, long maxBurst, Time time, Parker parker) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive finite number of permits per second, got " + permitsPerSecond);
        }
        if (maxBurst < 1) {
            throw new IllegalArgumentException("maxBurst must be at least 1, got " + maxBurst);
        }
        this.time = time;
        this.parker = parker;
        this.nanosPerPermit = 1e9 / permitsPerSecond;
        this.maxBurstNanos = (long) Math.ceil(maxBurst * nanosPerPermit);
        this.unlimited = false;
    }

    /** @return a limiter whose {@link #acquire} never waits */
    public static RateLimiter unlimited() {
        return UNLIMITED;
    }

    /**
     * A limiter on the system clock that parks threads, allowing a catch-up burst of a tenth of a second's
     * permits (at least one).
     *
     * @param permitsPerSecond target rate, positive; {@code null} or a value {@code <= 0} means unlimited
     */
    public static RateLimiter perSecond(Double permitsPerSecond) {
        if (permitsPerSecond == null || permitsPerSecond <= 0) {
            return unlimited();
        }
        long burst = Math.max(1L, (long) (permitsPerSecond / 10));
        return new RateLimiter(permitsPerSecond, burst, Time.SYSTEM, LockSupport::parkNanos);
    }

    /**
     * A limiter on an injected clock.
     *
     * @param permitsPerSecond target rate, positive and finite
     * @param maxBurst how many permits a late caller may take without waiting, at least 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static RateLimiter create(double permitsPerSecond, long maxBurst, Time time, Parker parker) {
        return new RateLimiter(permitsPerSecond, maxBurst, time, parker);
    }

    /** @return true if this limiter never waits */
    public boolean isUnlimited() {
        return unlimited;
    }

    /**
     * Takes {@code permits} permits, parking the calling thread until the last of them is due.
     *
     * @param permits how many permits (records), at least 1
     * @return nanoseconds this call asked to park for in total (0 if its permits were already due); returns
     *     early, without its permits being due, if the thread is interrupted
     */
    public long acquire(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        if (unlimited) {
            return 0;
        }
        long now = time.nanoseconds();
        double slot;
        synchronized (this) {
            if (!started || nextSlotNanos < now - maxBurstNanos) {
                // First call, or we fell further behind than the burst allows: restart the schedule.
                nextSlotNanos = started ? now - maxBurstNanos : now;
                started = true;
            }
            nextSlotNanos += permits * nanosPerPermit;
            slot = nextSlotNanos - nanosPerPermit;
        }
        long due = (long) Math.ceil(slot);
        long parked = 0;
        long wait = due - now;
        // parkNanos may return early (spurious wake-up); park again for the rest unless interrupted.
        while (wait > 0 && !Thread.currentThread().isInterrupted()) {
            parker.park(wait);
            parked += wait;
            wait = due - time.nanoseconds();
        }
        return parked;
    }
}
