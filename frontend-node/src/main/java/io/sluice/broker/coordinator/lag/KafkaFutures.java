package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.KafkaFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Bridges kafka-clients' {@link KafkaFuture} (what the Admin client returns) to a plain {@link CompletableFuture}.
 *
 * <p>{@code KafkaFuture.toCompletionStage()} hands out a future whose dependents refuse {@code complete} and
 * {@code completeExceptionally} from outside (they throw UnsupportedOperationException), which callers such as
 * Javalin's async requests may use; the future returned here is an ordinary one. It completes on the Admin's
 * network thread, exceptionally with the Admin's own exception (e.g. {@code GroupIdNotFoundException}), never
 * wrapped in an ExecutionException or CompletionException.
 */
public final class KafkaFutures {
    private KafkaFutures() {
    }

    /** @return a plain future completed as {@code future} completes */
    public static <T> CompletableFuture<T> toCompletableFuture(KafkaFuture<T> future) {
        CompletableFuture<T> plain = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                plain.complete(value);
            } else {
                plain.completeExceptionally(unwrap(failure));
            }
        });
        return plain;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
