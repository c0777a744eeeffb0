package io.sluice.broker.http;

import io.sluice.broker.config.TopicConfigs;
import io.sluice.broker.metrics.BrokerMetrics;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /healthz}, {@code /readyz}, {@code /metrics}, and answers for requests that match no route. */
@ExtendWith(EtcdExtension.class)
class HttpOperationsTest {

    @Test
    void readinessFollowsTheBrokerWhileLivenessStaysUp() {
        AtomicBoolean ready = new AtomicBoolean(false);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        HttpApiServer.Services services = new HttpApiServer.Services(new ReplicaManager(1, timer,
                org.apache.kafka.common.utils.Time.SYSTEM, null, id -> true, 30_000L), null,
                new TopicConfigs(Map.of()), new BrokerMetrics(1), ready::get, () -> MetadataImage.EMPTY);
        try (HttpApiServer server = HttpApiServer.start("127.0.0.1", 0, services)) {
            HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + server.port());
            assertThat(server.port()).isPositive();

            HttpTestClient.Response notReady = http.get("/readyz");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.text()).isEqualTo("not ready\n");
            HttpTestClient.Response alive = http.get("/healthz");
            assertThat(alive.status()).isEqualTo(200);
            assertThat(alive.text()).isEqualTo("ok\n");

            ready.set(true);
            assertThat(http.get("/readyz").status()).isEqualTo(200);
            assertThat(http.get("/readyz").text()).isEqualTo("ready\n");

            HttpTestClient.Response noMetadata = http.get("/v3/clusters");
            assertThat(noMetadata.status()).isEqualTo(503);
            assertThat(noMetadata.json().get("error_code").asInt()).isEqualTo(50301);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void metricsCountHttpRequestsByRouteTemplate(EtcdTestEnv etcd, @TempDir Path dataDir) throws Exception {
        try (TestBroker broker = TestBroker.start(etcd, dataDir)) {
            HttpTestClient http = new HttpTestClient(broker.httpUrl());
            assertThat(http.get("/healthz").status()).isEqualTo(200);
            assertThat(http.get("/readyz").status()).isEqualTo(200);
            http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"metered\", \"partitions_count\": 1}");
            for (int i = 0; i < 3; i++) {
                assertThat(http.postJson("/v3/clusters/local/topics/metered/records",
                        "{\"value\": {\"type\": \"STRING\", \"data\": \"m" + i + "\"}}").status()).isEqualTo(200);
            }
            assertThat(http.get("/v3/clusters/local/topics/metered/partitions/0/records").status()).isEqualTo(200);
            assertThat(http.get("/no/such/route").status()).isEqualTo(404);

            HttpTestClient.Response metrics = http.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            String text = metrics.text();
            assertThat(text).containsPattern(
                    "sluice_requests_seconds_count\\{[^}]*api=\"/v3/clusters/\\{cluster_id}/topics/\\{topic_name}/records\""
                            + "[^}]*protocol=\"http\"[^}]*} 3(\\.0)?\n");
            assertThat(text).containsPattern(
                    "sluice_requests_seconds_count\\{[^}]*api=\"/v3/clusters/\\{cluster_id}/topics/\\{topic_name}/partitions/"
                            + "\\{partition_id}/records\"[^}]*} 1(\\.0)?\n");
            assertThat(text).containsPattern("sluice_requests_seconds_count\\{[^}]*api=\"unmatched\"[^}]*} 1(\\.0)?\n");
            assertThat(text).containsPattern("sluice_requests_seconds_count\\{[^}]*api=\"/healthz\"[^}]*} 1(\\.0)?\n");
            assertThat(counter(text, "sluice_bytes_in_bytes_total")).as("produce bodies are counted")
                    .isGreaterThanOrEqualTo(3 * "{\"value\": {\"type\": \"STRING\", \"data\": \"m0\"}}".length());
            assertThat(counter(text, "sluice_bytes_out_bytes_total")).isPositive();
            assertThat(text).containsPattern("sluice_partition_high_watermark\\{[^}]*topic=\"metered\"[^}]*} 3(\\.0)?\n");
        }
    }

    private static double counter(String scrape, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as(name).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void requestsMatchingNoRouteGetTheJsonErrorBody(EtcdTestEnv etcd, @TempDir Path dataDir) throws Exception {
        try (TestBroker broker = TestBroker.start(etcd, dataDir)) {
            HttpTestClient http = new HttpTestClient(broker.httpUrl());
            HttpTestClient.Response notFound = http.get("/v3/nothing/here");
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.header("Content-Type")).startsWith("application/json");
            assertThat(notFound.json().get("error_code").asInt()).isEqualTo(40400);
            assertThat(notFound.json().has("kafka_error_code")).isFalse();

            HttpTestClient.Response wrongMethod = http.delete("/v3/clusters/local");
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.json().get("error_code").asInt()).isEqualTo(40501);
            assertThat(http.get("/healthz").status()).isEqualTo(200);
        }
    }
}
