package io.sluice.broker.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Routes each request to the one {@link ApiHandler} registered for its API key, and knows the version range of
 * every served API (what ApiVersions advertises).
 */
public final class ApiDispatcher {
    private final Map<ApiKeys, ApiHandler<? extends AbstractRequest>> handlers = new EnumMap<>(ApiKeys.class);

    /** Registers a handler; one per API key. */
    public ApiDispatcher register(ApiHandler<? extends AbstractRequest> handler) {
        if (handlers.putIfAbsent(handler.apiKey(), handler) != null) {
            throw new IllegalStateException("two handlers for " + handler.apiKey());
        }
        return this;
    }

    /** @return whether {@code apiKey} at {@code version} is served */
    public boolean supports(ApiKeys apiKey, short version) {
        ApiHandler<?> handler = handlers.get(apiKey);
        return handler != null && version >= handler.lowestVersion() && version <= handler.highestVersion();
    }

    /** @return the served range of {@code apiKey}, empty if not served */
    public Optional<ApiVersion> versionRange(ApiKeys apiKey) {
        ApiHandler<?> handler = handlers.get(apiKey);
        if (handler == null) {
            return Optional.empty();
        }
        return Optional.of(new ApiVersion().setApiKey(apiKey.id)
                .setMinVersion(handler.advertisedLowestVersion()).setMaxVersion(handler.highestVersion()));
    }

    /** @return every served API with its version range, as ApiVersions advertises them */
    public ApiVersionCollection apiVersions() {
        ApiVersionCollection collection = new ApiVersionCollection();
        for (ApiKeys key : handlers.keySet()) {
            versionRange(key).ifPresent(collection::add);
        }
        return collection;
    }

    /**
     * Invokes the handler for the request's API key. Exceptions thrown by the handler, or futures completed
     * exceptionally, become the request's generic error response.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, AbstractRequest request) {
        ApiHandler<AbstractRequest> handler = (ApiHandler<AbstractRequest>) handlers.get(request.apiKey());
        CompletableFuture<ApiMessage> future;
        try {
            future = handler.handle(context, request);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // Answer with an error rather than leave the client waiting for a response that never comes.
            future = CompletableFuture.failedFuture(e);
        }
        return future.exceptionally(error -> request.getErrorResponse(unwrap(error)).data());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
