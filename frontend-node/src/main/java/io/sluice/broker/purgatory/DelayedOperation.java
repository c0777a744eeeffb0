package io.sluice.broker.purgatory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An operation that waits for a condition (the high watermark passing an offset, enough bytes to fetch) or for
 * its timeout, whichever comes first, as Kafka's {@code DelayedOperation}. Exactly one of {@link #tryComplete()}
 * returning true or the timeout completes it; {@link #onComplete(boolean)} runs once.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile ScheduledFuture<?> timeoutTask;

    /**
     * Checks the condition and, if it holds, completes the operation through {@link #forceComplete()}.
     *
     * @return true if this call completed the operation
     */
    public abstract boolean tryComplete();

    /**
     * Builds and delivers the response.
     *
     * @param timedOut true if the operation completes because its delay expired
     */
    protected abstract void onComplete(boolean timedOut);

    /** @return true if this call completed the operation (it had not been completed before) */
    protected final boolean forceComplete() {
        return complete(false);
    }

    final boolean complete(boolean timedOut) {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> task = timeoutTask;
        if (task != null) {
            task.cancel(false);
        }
        onComplete(timedOut);
        return true;
    }

    /** @return whether the operation has completed */
    public final boolean isCompleted() {
        return completed.get();
    }

    void timeoutTask(ScheduledFuture<?> task) {
        this.timeoutTask = task;
        if (isCompleted()) {
            task.cancel(false);
        }
    }
}
