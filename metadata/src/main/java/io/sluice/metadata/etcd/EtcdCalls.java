package io.sluice.metadata.etcd;

import io.etcd.jetcd.common.exception.EtcdException;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The single boundary where etcd calls get a timeout and their failures become Kafka exceptions: a call that does
 * not finish within the request timeout, or that etcd refuses as unavailable, becomes
 * {@link TimeoutException} (REQUEST_TIMED_OUT, retriable); any other etcd failure becomes
 * {@link UnknownServerException}; Kafka exceptions pass through.
 */
final class EtcdCalls {

    private final Duration timeout;

    EtcdCalls(Duration timeout) {
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** Runs one etcd call with the request timeout; failures converted as described above. */
    <T> CompletableFuture<T> call(String what, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(toKafka(e, what));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        started.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(toKafka(error, what));
            }
        });
        return result;
    }

    /** Converts any failure of an etcd call into a Kafka exception (idempotent on Kafka exceptions). */
    static RuntimeException toKafka(Throwable error, String what) {
        Throwable cause = unwrap(error);
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return new TimeoutException(what + ": etcd did not answer in time");
        }
        if (cause instanceof EtcdException etcd) {
            return switch (etcd.getErrorCode()) {
                case DEADLINE_EXCEEDED, UNAVAILABLE ->
                    new TimeoutException(what + ": etcd unavailable: " + etcd.getMessage(), etcd);
                default -> new UnknownServerException(what + ": etcd failed: " + etcd.getMessage(), etcd);
            };
        }
        return new UnknownServerException(what + ": " + cause, cause);
    }

    /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
            && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
