package io.sluice.loadtests.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.loadtests.http.SluiceHttpApi.FetchedRecord;
import io.sluice.loadtests.http.SluiceHttpApi.ProduceRecord;
import io.sluice.loadtests.http.SluiceHttpApi.RecordOffset;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SluiceHttpApiTest {
    private final SluiceHttpApi api = new SluiceHttpApi(URI.create("http://127.0.0.1:8080"), Duration.ofSeconds(30));

    /** Collects what a request's body publisher would send. */
    private static byte[] body(HttpRequest request) throws Exception {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        request.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toByteArray());
            }
        });
        return done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void produceIsAPostOfRecordsWithTextValuesAndNoNullKeys() throws Exception {
        HttpRequest request = api.produce("lt", List.of(new ProduceRecord(null, "SLT1abc", 3), new ProduceRecord("k", "v", 3)));

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo(URI.create("http://127.0.0.1:8080/v3/clusters/local/topics/lt/records"));
        assertThat(request.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(request.timeout()).contains(Duration.ofSeconds(30));
        JsonNode json = new ObjectMapper().readTree(body(request));
        assertThat(json.get("records")).hasSize(2);
        assertThat(json.get("records").get(0).has("key")).isFalse();
        assertThat(json.get("records").get(0).get("value").get("type").asText()).isEqualTo("STRING");
        assertThat(json.get("records").get(0).get("value").get("data").asText()).isEqualTo("SLT1abc");
        assertThat(json.get("records").get(0).get("partition_id").asInt()).isEqualTo(3);
        assertThat(json.get("records").get(1).get("key").get("data").asText()).isEqualTo("k");
    }

    @Test
    void aBaseUrlWithAPathPrefixAndTrailingSlashIsJoinedCleanly() {
        SluiceHttpApi prefixed = new SluiceHttpApi(URI.create("http://127.0.0.1:8080/api/"), Duration.ofSeconds(1));
        assertThat(prefixed.produce("t.x-1_y", List.of(new ProduceRecord(null, "v", 0))).uri())
            .isEqualTo(URI.create("http://127.0.0.1:8080/api/v3/clusters/local/topics/t.x-1_y/records"));
    }

    @Test
    void fetchIsAGetWithOffsetMaxBytesAndTimeoutAndAClientTimeoutThatOutlastsTheLongPoll() {
        HttpRequest request = api.fetch("lt", 5, 1234, 1 << 20, Duration.ofMillis(500));

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).isEqualTo(URI.create(
            "http://127.0.0.1:8080/v3/clusters/local/topics/lt/partitions/5/records?offset=1234&max_bytes=1048576&timeout_ms=500"));
        assertThat(request.timeout()).contains(Duration.ofMillis(30_500));
    }

    @Test
    void parsesProduceOffsetsIgnoringUnknownFields() throws HttpApiException {
        byte[] body = "{\"results\":[{\"partition_id\":3,\"offset\":41,\"error_code\":200},{\"partition_id\":3,\"offset\":42}],\"extra\":1}"
            .getBytes(StandardCharsets.UTF_8);
        assertThat(api.parseProduceResponse(200, body)).containsExactly(new RecordOffset(3, 41), new RecordOffset(3, 42));
    }

    @Test
    void parsesFetchedRecords() throws HttpApiException {
        byte[] body = ("{\"records\":[{\"offset\":7,\"key\":null,\"value\":{\"type\":\"STRING\",\"data\":\"SLT1\"},"
            + "\"timestamp\":1700000000000},{\"offset\":8,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(api.parseFetchResponse(200, body)).containsExactly(
            new FetchedRecord(7, null, "SLT1", 1_700_000_000_000L), new FetchedRecord(8, null, "x", null));
        assertThat(api.parseFetchResponse(200, "{\"records\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void errorStatusesAndOtherShapesAreHttpApiExceptions() {
        assertThatThrownBy(() -> api.parseProduceResponse(503, "{\"error_code\":50301}".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOfSatisfying(HttpApiException.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.kind()).isEqualTo("HTTP 503");
                assertThat(e.getMessage()).contains("50301");
            });
        assertThatThrownBy(() -> api.parseFetchResponse(200, "not json".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOfSatisfying(HttpApiException.class, e -> assertThat(e.kind()).isEqualTo("HTTP bad body"));
        assertThatThrownBy(() -> api.parseFetchResponse(200, "{\"offsets\":[]}".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(HttpApiException.class).hasMessageContaining("no \"records\"");
        assertThatThrownBy(() -> api.parseProduceResponse(200, "{}".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(HttpApiException.class).hasMessageContaining("no \"results\"");
    }
}
