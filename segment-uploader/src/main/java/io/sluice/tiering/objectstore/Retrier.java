package io.sluice.tiering.objectstore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Runs an asynchronous operation under a {@link RetryPolicy}. Waits between attempts are scheduled on a
 * {@link ScheduledExecutorService}; no thread sleeps. The returned future completes with the first success, or fails
 * with the last failure once the policy gives up (a non-retriable failure at once).
 *
 * <p>Logs the first retry of an operation and the giving up at WARN, further retries at DEBUG, so an S3 outage does
 * not flood the log. Thread-safe.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final RetryPolicy policy;
    private final ScheduledExecutorService scheduler;
    private final DoubleSupplier random;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong exhausted = new AtomicLong();

    /** Jitter from {@link ThreadLocalRandom}. */
    public Retrier(RetryPolicy policy, ScheduledExecutorService scheduler) {
        this(policy, scheduler, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform values in {@code [0, 1)} for the jitter */
    public Retrier(RetryPolicy policy, ScheduledExecutorService scheduler, DoubleSupplier random) {
        this.policy = policy;
        this.scheduler = scheduler;
        this.random = random;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Retries made so far (attempts after a first one), for metrics. */
    public long retries() {
        return retries.get();
    }

    /** Operations that failed after using up their attempts while still failing retriably, for metrics. */
    public long exhausted() {
        return exhausted.get();
    }

    /**
     * Runs {@code operation} until it succeeds or the policy gives up.
     *
     * @param what names the operation in log lines, e.g. "put 0a1f/…/000.log"
     */
    public <T> CompletableFuture<T> run(String what, Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, operation, 1, result);
        return result;
    }

    private <T> void attempt(String what, Supplier<CompletableFuture<T>> operation, int n,
                             CompletableFuture<T> result) {
        CompletableFuture<T> started;
        try {
            started = operation.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        started.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            if (!policy.shouldRetry(n, error)) {
                if (ObjectStoreException.isRetriable(error)) {
                    exhausted.incrementAndGet();
                    LOG.warn("{} failed after {} attempt(s), giving up: {}", what, n, describe(error));
                }
                result.completeExceptionally(error);
                return;
            }
            Duration delay = policy.delayBefore(n + 1, random);
            retries.incrementAndGet();
            // retries are counted ({@link #retries()}) and logged at debug: callers log what failed for good
            LOG.debug("{} failed ({}); retrying in {} ms (attempt {} of {})", what, describe(error),
                delay.toMillis(), n + 1, policy.maxAttempts());
            try {
                scheduler.schedule(() -> attempt(what, operation, n + 1, result), delay.toNanos(),
                    TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(error);
            }
        });
    }

    private static String describe(Throwable error) {
        ObjectStoreException e = ObjectStoreException.unwrap(error);
        return e == null ? String.valueOf(error) : e.kind() + ": " + e.getMessage();
    }
}
