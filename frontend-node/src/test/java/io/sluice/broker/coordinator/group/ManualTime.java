package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.utils.Time;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A Kafka {@link Time} that only moves when the test advances it. */
final class ManualTime implements Time {
    private final AtomicLong nowMs;

    ManualTime(long startMs) {
        nowMs = new AtomicLong(startMs);
    }

    void advance(long ms) {
        nowMs.addAndGet(ms);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return nowMs.get() * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            throw new IllegalStateException("ManualTime cannot wait");
        }
    }
}
