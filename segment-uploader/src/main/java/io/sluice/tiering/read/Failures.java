package io.sluice.tiering.read;

import io.sluice.tiering.objectstore.ObjectStoreException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Converting failures once, at the boundary with the object store and at the reader's API. */
final class Failures {

    private Failures() {
    }

    /** The failure behind {@code CompletionException}/{@code ExecutionException} wrappers. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A failed store call as the reader reports it: an {@link ObjectStoreException} becomes a
     * {@link RemoteObjectReadException} naming the key; anything else is passed on unwrapped.
     */
    static RuntimeException fromStore(Throwable error, String objectKey) {
        Throwable t = unwrap(error);
        if (t instanceof ObjectStoreException e) {
            return new RemoteObjectReadException(objectKey, e);
        }
        return t instanceof RuntimeException r ? r : new CompletionException(t);
    }

    /**
     * {@code future}, except that a failure first runs {@code onFailure}: a dependent that completes only after it, so
     * whoever sees the failure also sees its effect (e.g. a failed cache entry already removed, which a
     * {@code whenComplete} on the cached future itself does not guarantee: dependents run in no fixed order).
     */
    static <T> CompletableFuture<T> afterFailure(CompletableFuture<T> future, Runnable onFailure) {
        return future.handle((value, error) -> {
            if (error != null) {
                onFailure.run();
                throw error instanceof CompletionException e ? e : new CompletionException(error);
            }
            return value;
        });
    }

    /**
     * {@code future} with its failure unwrapped, so callers' {@code whenComplete}/{@code exceptionally} see the
     * reader's exception itself ({@link org.apache.kafka.common.errors.CorruptRecordException},
     * {@link RemoteObjectReadException}, ...) rather than a {@code CompletionException}; completed on
     * {@code executor} (never on an object store thread) unless {@code future} is already done.
     */
    static <T> CompletableFuture<T> unwrappedOn(CompletableFuture<T> future, Executor executor) {
        CompletableFuture<T> out = new CompletableFuture<>();
        if (future.isDone()) {
            complete(out, future);
            return out;
        }
        future.whenComplete((value, error) -> {
            try {
                executor.execute(() -> complete(out, future));
            } catch (RejectedExecutionException e) {
                complete(out, future);
            }
        });
        return out;
    }

    private static <T> void complete(CompletableFuture<T> out, CompletableFuture<T> done) {
        done.whenComplete((value, error) -> {
            if (error == null) {
                out.complete(value);
            } else {
                out.completeExceptionally(unwrap(error));
            }
        });
    }
}
