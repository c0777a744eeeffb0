package io.sluice.metadata.testing;

import org.assertj.core.api.AbstractThrowableAssert;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded waits on futures for tests. */
public final class TestFutures {

    /** The longest a test waits for one store call. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private TestFutures() {
    }

    /** The value, or the failure's cause rethrown (wrapped in a RuntimeException if checked). */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new RuntimeException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("future not completed within " + WAIT, e);
        }
    }

    /** Asserts the future fails within {@link #WAIT} and returns an assertion on the failure's cause. */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertFails(CompletableFuture<?> future) {
        Object value;
        try {
            value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("future not completed within " + WAIT, e);
        }
        throw new AssertionError("expected a failure but got " + value);
    }
}
