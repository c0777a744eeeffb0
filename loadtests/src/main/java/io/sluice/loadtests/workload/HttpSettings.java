package io.sluice.loadtests.workload;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for driving Sluice's HTTP API.
 *
 * @param baseUrl scheme, host and port, e.g. {@code http://127.0.0.1:8080}; paths are appended to it
 * @param batchRecords records per produce request, at least 1
 * @param maxInFlight produce requests each producer keeps in flight at once, at least 1
 * @param fetchMaxBytes {@code max_bytes} of each fetch request, at least 1
 * @param fetchTimeout {@code timeout_ms} of each fetch request: how long the server may hold it open waiting
 *     for records
 * @param requestTimeout client-side timeout of every request
 */
public record HttpSettings(
    URI baseUrl,
    int batchRecords,
    int maxInFlight,
    int fetchMaxBytes,
    Duration fetchTimeout,
    Duration requestTimeout) {

    /** @throws IllegalArgumentException naming the bad setting */
    public HttpSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("--http-url must be an absolute http(s) URL such as http://127.0.0.1:8080, got " + baseUrl);
        }
        if (batchRecords < 1 || maxInFlight < 1 || fetchMaxBytes < 1) {
            throw new IllegalArgumentException("--http-batch-records, --http-in-flight and --fetch-max-bytes must be at least 1");
        }
        Objects.requireNonNull(fetchTimeout, "fetchTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (fetchTimeout.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("--fetch-timeout-ms must not be negative and the request timeout must be positive");
        }
    }
}
