package io.sluice.broker.tiering;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a broker's {@code GET /metrics} (Prometheus text format 0.0.4), for tests that watch a broker from
 * outside (a broker process) or through its public surface (an in-process broker).
 *
 * @param text the scraped body
 */
public record ScrapedMetrics(String text) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Scrapes {@code http://127.0.0.1:<httpPort>/metrics}.
     *
     * @throws IOException if the broker does not answer, or answers with another status than 200
     */
    public static ScrapedMetrics scrape(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return new ScrapedMetrics(response.body());
    }

    /**
     * The sum of every series of metric {@code name} (e.g. {@code sluice_remote_copy_errors_total}) whose labels
     * contain {@code labelFilter} (e.g. {@code topic="t"}; empty for all); 0 when the metric has no series.
     */
    public double sum(String name, String labelFilter) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        double total = 0;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelFilter)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /** The sum of every series of metric {@code name}; 0 when it has none. */
    public double sum(String name) {
        return sum(name, "");
    }
}
