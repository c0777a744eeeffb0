package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Operations endpoints for orchestrators and monitoring:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process serves HTTP (liveness);</li>
 *   <li>{@code GET /readyz}: 200 {@code ready} once the broker is registered and serving, else 503
 *       {@code not ready} (readiness: starting up or shutting down);</li>
 *   <li>{@code GET /metrics}: every broker metric in the Prometheus text format 0.0.4.</li>
 * </ul>
 */
final class OperationRoutes {
    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";
    static final String METRICS = "/metrics";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpApiServer.Services services;

    OperationRoutes(HttpApiServer.Services services) {
        this.services = services;
    }

    void register(Javalin app) {
        app.get(HEALTHZ, ctx -> Responses.text(ctx, 200, TEXT, "ok\n"));
        app.get(READYZ, this::ready);
        app.get(METRICS, ctx -> Responses.text(ctx, 200, PROMETHEUS_TEXT, services.metrics().scrape()));
    }

    private void ready(Context ctx) {
        if (services.ready().getAsBoolean()) {
            Responses.text(ctx, 200, TEXT, "ready\n");
        } else {
            Responses.text(ctx, 503, TEXT, "not ready\n");
        }
    }
}
