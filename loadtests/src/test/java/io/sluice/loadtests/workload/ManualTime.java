package io.sluice.loadtests.workload;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/** A clock that moves only when told to; {@link #sleep} and {@link #park} advance it. Thread-safe. */
public final class ManualTime implements Time {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final long epochMillisAtStart = 1_700_000_000_000L;
    private final long nanosAtStart = nanos.get();

    @Override
    public long milliseconds() {
        return epochMillisAtStart + (nanos.get() - nanosAtStart) / 1_000_000L;
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    @Override
    public void sleep(long ms) {
        advanceNanos(ms * 1_000_000L);
    }

    /** A {@link RateLimiter.Parker} that advances this clock instead of waiting. */
    public void park(long parkNanos) {
        advanceNanos(parkNanos);
    }

    public void advanceNanos(long delta) {
        nanos.addAndGet(delta);
    }

    public void advanceMillis(long delta) {
        advanceNanos(delta * 1_000_000L);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            nanos.addAndGet(Math.max(0, deadlineMs - milliseconds()) * 1_000_000L);
            throw new TimeoutException("condition not met before " + deadlineMs + " ms on a manual clock");
        }
    }
}
