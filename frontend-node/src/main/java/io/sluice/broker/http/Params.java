package io.sluice.broker.http;

import io.javalin.http.Context;

import java.util.Optional;

/**
 * Reads path and query parameters, answering 400 (40001) for malformed or out-of-range values instead of letting
 * a {@link NumberFormatException} become a 500.
 */
final class Params {
    private Params() {
    }

    /** @return the path parameter {@code name} as an int in [min, max] */
    static int pathInt(Context ctx, String name, int min, int max) {
        return (int) parseLong(name, ctx.pathParam(name), min, max);
    }

    /** @return the query parameter {@code name} as a long in [min, max], or empty if absent or blank */
    static Optional<Long> queryLong(Context ctx, String name, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parseLong(name, raw.trim(), min, max));
    }

    /** @return the query parameter {@code name} as an int in [min, max], or {@code defaultValue} if absent */
    static int queryInt(Context ctx, String name, int min, int max, int defaultValue) {
        return queryLong(ctx, name, min, max).map(Long::intValue).orElse(defaultValue);
    }

    /** @return the query parameter {@code name}, or empty if absent or blank */
    static Optional<String> queryString(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw);
    }

    static long parseLong(String name, String raw, long min, long max) {
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw HttpApiException.malformed(name + " must be an integer, got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw HttpApiException.malformed(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
