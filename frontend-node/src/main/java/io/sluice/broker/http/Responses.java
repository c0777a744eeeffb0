package io.sluice.broker.http;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;

/**
 * Writes response bodies and remembers their size for {@link RequestMetricsRecorder}. Every handler answers
 * through here, so the byte count in {@code /metrics} is the body as produced (before any HTTP compression).
 */
public final class Responses {
    /** Content type of JSON responses. */
    public static final String JSON = "application/json";
    /** Content type of raw record batches and binary produce bodies. */
    public static final String OCTET_STREAM = "application/octet-stream";
    static final String RESPONSE_BYTES_ATTRIBUTE = "sluice.responseBytes";

    private Responses() {
    }

    /** Answers {@code status} with {@code body} serialised as JSON. */
    public static void json(Context ctx, int status, Object body) {
        bytes(ctx, status, JSON, Json.write(body));
    }

    /** Answers {@code status} with a UTF-8 text body. */
    public static void text(Context ctx, int status, String contentType, String body) {
        bytes(ctx, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code status} with a raw body. */
    public static void bytes(Context ctx, int status, String contentType, byte[] body) {
        ctx.status(status).contentType(contentType).result(body);
        ctx.attribute(RESPONSE_BYTES_ATTRIBUTE, (long) body.length);
    }

    /** Answers {@code status} without a body (204 No Content). */
    public static void empty(Context ctx, int status) {
        ctx.status(status).result(new byte[0]);
        ctx.attribute(RESPONSE_BYTES_ATTRIBUTE, 0L);
    }

    /** Answers with the JSON error body of {@code error}. */
    public static void error(Context ctx, HttpApiException error) {
        json(ctx, error.status(), error.toResponse());
    }
}
