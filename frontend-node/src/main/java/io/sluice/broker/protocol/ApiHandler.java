package io.sluice.broker.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one Kafka API key. Handlers run on a request-handler thread (never on a Netty event loop) and may block
 * briefly on the local disk; anything that waits (acks=all, fetch long-poll, etcd writes) completes the returned
 * future later instead of blocking.
 *
 * <p>Errors travel as Kafka error codes inside the response body. A future completed exceptionally is turned into
 * the request's generic error response ({@link AbstractRequest#getErrorResponse(Throwable)}, which maps the
 * exception with {@code Errors.forException}).
 *
 * @param <R> the request type this handler accepts
 */
public interface ApiHandler<R extends AbstractRequest> {
    /** @return the API this handler serves */
    ApiKeys apiKey();

    /** @return the lowest version served correctly; defaults to the oldest version kafka-clients can parse */
    default short lowestVersion() {
        return apiKey().oldestVersion();
    }

    /** @return the highest version served correctly; defaults to the latest version kafka-clients can parse */
    default short highestVersion() {
        return apiKey().latestVersion();
    }

    /**
     * @return the lowest version ApiVersions advertises; normally {@link #lowestVersion()}. Produce advertises 0
     *         although it serves 3 and up, exactly as Apache Kafka 4.x does (KAFKA-18659): librdkafka 2.x only
     *         enables compression when the advertised range starts at 0, and clients always pick the highest common
     *         version, so v0 to v2 are never used.
     */
    default short advertisedLowestVersion() {
        return lowestVersion();
    }

    /**
     * @return the response body, or a future completed with {@code null} when the protocol sends no response
     *         (Produce with acks=0)
     */
    CompletableFuture<ApiMessage> handle(RequestContext context, R request);
}
