package io.sluice.broker.http;

import org.apache.kafka.common.config.ConfigException;

import java.util.Map;

/**
 * Limits of the HTTP API, read from the broker's settings.
 *
 * @param maxRequestBytes the largest request body accepted, in bytes: {@code http.max.request.bytes}, else the
 *                        Kafka listener's {@code socket.request.max.bytes} (Kafka's bound on one request), else
 *                        104857600 (100 MiB). A larger body is answered 413 (41302) without being read whole.
 */
public record HttpApiSettings(int maxRequestBytes) {
    /** Kafka's default {@code socket.request.max.bytes}. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 104_857_600;

    public HttpApiSettings {
        if (maxRequestBytes <= 0) {
            throw new ConfigException("http.max.request.bytes must be positive, got " + maxRequestBytes);
        }
    }

    /**
     * @throws ConfigException if a setting is not a positive integer
     */
    public static HttpApiSettings fromBrokerSettings(Map<String, String> settings) {
        String raw = settings.getOrDefault("http.max.request.bytes", settings.get("socket.request.max.bytes"));
        if (raw == null) {
            return new HttpApiSettings(DEFAULT_MAX_REQUEST_BYTES);
        }
        try {
            return new HttpApiSettings(Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("http.max.request.bytes", raw, "must be a positive integer");
        }
    }
}
