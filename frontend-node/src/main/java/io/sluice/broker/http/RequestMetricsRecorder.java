package io.sluice.broker.http;

import io.javalin.http.Context;
import io.sluice.broker.metrics.BrokerMetrics;

/**
 * Reports each HTTP request to {@link BrokerMetrics#onHttpRequest}: the matched route template (e.g.
 * {@code /v3/clusters/{cluster_id}/topics/{topic_name}/records}, never the concrete path, to bound the number of
 * time series), the latency from the first handler to the response written (nanoseconds), and the body sizes in
 * bytes. Requests that match no route are reported as {@code unmatched}.
 */
final class RequestMetricsRecorder {
    static final String START_NANOS_ATTRIBUTE = "sluice.startNanos";
    static final String REQUEST_BYTES_ATTRIBUTE = "sluice.requestBytes";
    static final String UNMATCHED_ROUTE = "unmatched";

    private final BrokerMetrics metrics;

    RequestMetricsRecorder(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    /** A before-handler: stamps the start time. */
    void onStart(Context ctx) {
        ctx.attribute(START_NANOS_ATTRIBUTE, System.nanoTime());
    }

    /** Javalin's request logger: called once the response is written (also for asynchronous handlers). */
    void onCompleted(Context ctx, Float executionTimeMs) {
        Long start = ctx.attribute(START_NANOS_ATTRIBUTE);
        long nanos = start != null ? System.nanoTime() - start : (long) (executionTimeMs * 1_000_000L);
        Long requestBytes = ctx.attribute(REQUEST_BYTES_ATTRIBUTE);
        Long responseBytes = ctx.attribute(Responses.RESPONSE_BYTES_ATTRIBUTE);
        metrics.onHttpRequest(route(ctx), nanos,
                requestBytes != null ? requestBytes : Math.max(0L, ctx.req().getContentLengthLong()),
                responseBytes != null ? responseBytes : 0L);
    }

    private static String route(Context ctx) {
        try {
            String template = ctx.endpointHandlerPath();
            return template == null || template.isEmpty() || template.equals("*") ? UNMATCHED_ROUTE : template;
        } catch (RuntimeException e) {
            return UNMATCHED_ROUTE;
        }
    }
}
