package io.sluice.loadtests.workload;

import org.apache.kafka.common.utils.Time;

/**
 * A wall clock in microseconds since the Unix epoch, read from a monotonic source.
 *
 * <p>The epoch offset is taken once from {@link Time#milliseconds()} at construction; later readings add
 * the elapsed {@link Time#nanoseconds()}. Readings therefore never go backwards inside one process, which is
 * what end-to-end latency needs when a producer thread stamps a value and a consumer thread of the same
 * process reads it. Between processes on one machine readings agree to within the wall clock's accuracy
 * (about a millisecond). Thread-safe.
 */
public final class MicrosClock {
    private final Time time;
    private final long epochMicrosAtStart;
    private final long nanosAtStart;

    /** @param time the clock source ({@link Time#SYSTEM} in production) */
    public MicrosClock(Time time) {
        this.time = time;
        this.nanosAtStart = time.nanoseconds();
        this.epochMicrosAtStart = time.milliseconds() * 1_000L;
    }

    /** @return microseconds since the Unix epoch, monotonic within this instance */
    public long nowMicros() {
        return epochMicrosAtStart + (time.nanoseconds() - nanosAtStart) / 1_000L;
    }
}
