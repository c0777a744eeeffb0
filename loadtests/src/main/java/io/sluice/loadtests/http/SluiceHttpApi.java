package io.sluice.loadtests.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The paths and JSON shapes of Sluice's HTTP record API, all in this one class so they can follow the API
 * as it settles. Nothing here touches the network: it builds {@link HttpRequest}s and parses response bodies.
 *
 * <p>Produce: {@code POST {base}/v3/clusters/local/topics/{topic}/records} with body
 * {@code {"records":[{"key":{"type":"STRING","data":"..."},"value":{"type":"STRING","data":"..."},"partition_id":N}]}}
 * (a null key is left out), answered by {@code {"results":[{"partition_id":p,"offset":o,...}]}}, one entry per
 * record in request order (see docs/http-api.md).
 *
 * <p>Fetch: {@code GET {base}/v3/clusters/local/topics/{topic}/partitions/{p}/records?offset=O&max_bytes=B&timeout_ms=T},
 * where {@code offset} is the first offset wanted (inclusive), {@code max_bytes} bounds the response and
 * {@code timeout_ms} is how long the server may wait for records to arrive; answered by
 * {@code {"records":[{"offset":..,"timestamp":..,"key":{"type":..,"data":..},"value":{...}}]}} in offset order
 * (empty when nothing arrived in time).
 *
 * <p>Any non-2xx status, or a body of another shape, is an {@link HttpApiException}. Unknown JSON fields are
 * ignored. Thread-safe.
 */
public final class SluiceHttpApi {
    /** One record to produce. @param key key text or {@code null} @param value value text @param partition target partition */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProduceRecord(String key, String value, Integer partition) {
    }

    /** Where one produced record landed. @param partition partition id @param offset its offset */
    public record RecordOffset(int partition, long offset) {
    }

    /**
     * One fetched record.
     *
     * @param offset its offset
     * @param key key text or {@code null}
     * @param value value text or {@code null}
     * @param timestamp record timestamp in epoch milliseconds, or {@code null} if not sent
     */
    public record FetchedRecord(long offset, String key, String value, Long timestamp) {
    }

    /** Sluice's embedded key/value format: {@code {"type":"STRING","data":"..."}}. */
    private record Data(String type, String data) {
        static Data text(String value) {
            return value == null ? null : new Data("STRING", value);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record WireRecord(Data key, Data value, @JsonProperty("partition_id") Integer partitionId) {
    }

    private record ProduceBody(List<WireRecord> records) {
    }

    private record WireResult(@JsonProperty("partition_id") int partitionId, long offset) {
    }

    private record ProduceAnswer(List<WireResult> results) {
    }

    private record WireFetched(long offset, Long timestamp, Data key, Data value) {
    }

    private record FetchAnswer(List<WireFetched> records) {
    }

    private static final String RECORDS_BASE = "/v3/clusters/local/topics/";

    private static final String JSON = "application/json";
    private static final int BODY_PREVIEW = 200;

    private final String base;
    private final Duration requestTimeout;
    private final ObjectMapper mapper = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param baseUrl scheme, host, port and optional path prefix, e.g. {@code http://127.0.0.1:8080}
     * @param requestTimeout client-side timeout of produce requests; fetches add their {@code timeout_ms}
     */
    public SluiceHttpApi(URI baseUrl, Duration requestTimeout) {
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param topic topic name
     * @param records records to append, at least one
     * @return the produce request
     */
    public HttpRequest produce(String topic, List<ProduceRecord> records) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new ProduceBody(records.stream()
                .map(r -> new WireRecord(Data.text(r.key()), Data.text(r.value()), r.partition())).toList()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode produce body", e);
        }
        return HttpRequest.newBuilder(URI.create(base + RECORDS_BASE + segment(topic) + "/records"))
            .timeout(requestTimeout)
            .header("Content-Type", JSON)
            .header("Accept", JSON)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    }

    /**
     * @param status HTTP status of the produce response
     * @param body its body
     * @return one offset per produced record, in request order
     * @throws HttpApiException for a non-2xx status or a body without a {@code results} array
     */
    public List<RecordOffset> parseProduceResponse(int status, byte[] body) throws HttpApiException {
        ProduceAnswer answer = parse(status, body, ProduceAnswer.class);
        if (answer.results() == null) {
            throw new HttpApiException(0, "produce response has no \"results\": " + preview(body));
        }
        return answer.results().stream().map(r -> new RecordOffset(r.partitionId(), r.offset())).toList();
    }

    /**
     * @param topic topic name
     * @param partition partition id
     * @param offset first offset wanted, inclusive
     * @param maxBytes upper bound on the response's record bytes
     * @param wait how long the server may hold the request waiting for records
     * @return the fetch request, with a client timeout of {@code wait} plus the request timeout
     */
    public HttpRequest fetch(String topic, int partition, long offset, int maxBytes, Duration wait) {
        String uri = base + RECORDS_BASE + segment(topic) + "/partitions/" + partition + "/records"
            + "?offset=" + offset + "&max_bytes=" + maxBytes + "&timeout_ms=" + wait.toMillis();
        return HttpRequest.newBuilder(URI.create(uri))
            .timeout(requestTimeout.plus(wait))
            .header("Accept", JSON)
            .GET()
            .build();
    }

    /**
     * @param status HTTP status of the fetch response
     * @param body its body
     * @return the records, in offset order; empty if none arrived in time
     * @throws HttpApiException for a non-2xx status or a body without a {@code records} array
     */
    public List<FetchedRecord> parseFetchResponse(int status, byte[] body) throws HttpApiException {
        FetchAnswer answer = parse(status, body, FetchAnswer.class);
        if (answer.records() == null) {
            throw new HttpApiException(0, "fetch response has no \"records\": " + preview(body));
        }
        return answer.records().stream().map(r -> new FetchedRecord(r.offset(),
            r.key() == null ? null : r.key().data(), r.value() == null ? null : r.value().data(), r.timestamp())).toList();
    }

    private <T> T parse(int status, byte[] body, Class<T> type) throws HttpApiException {
        if (status < 200 || status > 299) {
            throw new HttpApiException(status, "HTTP " + status + ": " + preview(body));
        }
        try {
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new HttpApiException(0, "unexpected response body (" + e.getOriginalMessage() + "): " + preview(body));
        } catch (IOException e) {
            throw new HttpApiException(0, "unreadable response body (" + e.getMessage() + ")");
        }
    }

    private static String segment(String topic) {
        // Legal topic names ([a-zA-Z0-9._-]) pass through unchanged; anything else is percent-encoded.
        return URLEncoder.encode(topic, StandardCharsets.UTF_8);
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() <= BODY_PREVIEW ? text : text.substring(0, BODY_PREVIEW) + "...";
    }
}
