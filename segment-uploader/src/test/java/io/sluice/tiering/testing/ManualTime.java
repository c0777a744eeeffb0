package io.sluice.tiering.testing;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A Kafka {@link Time} that only moves when a test says so. */
public final class ManualTime implements Time {
    private final AtomicLong nowMs;

    public ManualTime(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    public void advance(long ms) {
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
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) throws InterruptedException {
        synchronized (obj) {
            while (!condition.get()) {
                if (milliseconds() >= deadlineMs) {
                    throw new TimeoutException("Condition not satisfied before deadline " + deadlineMs);
                }
                obj.wait(10);
            }
        }
    }
}
