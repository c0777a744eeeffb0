package io.sluice.broker.http;

import io.javalin.http.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Answers a request when a future completes, without holding a request thread while it waits (Javalin's
 * {@code ctx.future}, i.e. a servlet async request).
 *
 * <p>Futures from the replica manager and the topic admin complete on threads that must not block (the purgatory
 * timer, a Kafka request handler, the metadata cache's notification thread), and writing a response can block on
 * a slow client. So the response, success or error, is always written on {@code executor} (the HTTP server's own
 * thread pool), never on the thread that completed the future.
 */
final class AsyncResponder {
    private final Executor executor;

    AsyncResponder(Executor executor) {
        this.executor = executor;
    }

    /** @return the HTTP server's pool, for work that must leave a thread that may not block (e.g. the Admin's) */
    Executor executor() {
        return executor;
    }

    /**
     * Writes the response with {@code writer} once {@code future} succeeds; a failure goes through
     * {@link ErrorMapper} like a synchronous exception.
     */
    <T> void respond(Context ctx, CompletableFuture<T> future, BiConsumer<Context, T> writer) {
        ctx.future(() -> future.handleAsync((value, failure) -> {
            if (failure != null) {
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            writer.accept(ctx, value);
            return null;
        }, executor));
    }
}
