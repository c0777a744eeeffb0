package io.sluice.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;

/** Told about every completed request, for metrics. Called off the event loop; must not block. */
public interface RequestObserver {
    /**
     * @param apiKey        the API
     * @param errorFree     false if the connection failed to produce a response body
     * @param latencyNanos  from frame decoded to response handed to the socket, in nanoseconds
     * @param requestBytes  request frame size in bytes
     * @param responseBytes response frame size in bytes (0 when no response is sent)
     */
    void onRequestCompleted(ApiKeys apiKey, boolean errorFree, long latencyNanos, int requestBytes, long responseBytes);

    RequestObserver NONE = (apiKey, errorFree, latencyNanos, requestBytes, responseBytes) -> { };
}
