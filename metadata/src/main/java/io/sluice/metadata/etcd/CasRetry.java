package io.sluice.metadata.etcd;

import org.apache.kafka.common.errors.TimeoutException;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Re-runs a read-compare-write attempt while it loses races. An attempt completes with a value when done, or with
 * empty when its compare failed because someone else wrote in between; then it is run again from a fresh read.
 */
final class CasRetry {

    /** Attempts before giving up; each lost attempt means another writer made progress. */
    static final int MAX_ATTEMPTS = 64;

    private CasRetry() {
    }

    /**
     * @return the first attempt's value; fails with Kafka's {@link TimeoutException} after {@link #MAX_ATTEMPTS} lost
     *         races, or with the attempt's own failure
     */
    static <T> CompletableFuture<T> run(String what, Supplier<CompletableFuture<Optional<T>>> attempt) {
        return run(what, attempt, 1);
    }

    private static <T> CompletableFuture<T> run(String what, Supplier<CompletableFuture<Optional<T>>> attempt, int n) {
        return attempt.get().thenCompose(result -> {
            if (result.isPresent()) {
                return CompletableFuture.completedFuture(result.get());
            }
            if (n >= MAX_ATTEMPTS) {
                return CompletableFuture.failedFuture(new TimeoutException(what + ": gave up after " + n
                    + " attempts lost to concurrent updates"));
            }
            return run(what, attempt, n + 1);
        });
    }
}
