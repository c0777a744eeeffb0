package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decodes the three produce body forms:
 * <ul>
 *   <li>one record, Confluent's {@code ProduceRequest}: {@code {"partition_id": 0, "key": {"type": "STRING", "data":
 *       "k"}, "value": {"type": "JSON", "data": {...}}, "headers": [{"name": "h", "value": "<base64>"}],
 *       "timestamp": 1700000000000}}, every field optional;</li>
 *   <li>a batch: {@code {"records": [<record>, ...]}} with at least one record;</li>
 *   <li>a binary body ({@code Content-Type: application/octet-stream}): the body is one record's value; query
 *       parameters {@code key} (UTF-8 text), {@code partition} and {@code timestamp} complete it.</li>
 * </ul>
 * {@code timestamp} is epoch milliseconds or an ISO-8601 instant ({@code 2024-05-01T12:00:00Z}, Confluent's form).
 * {@code acks} (0, 1, all or -1; default all, the Kafka producer's default) and {@code timeout_ms} (default 30000,
 * the producer's {@code request.timeout.ms}) come from the query string, or from top-level body fields of the same
 * name. Every error is a 400 (40001) naming the field.
 */
final class ProduceRequestParser {
    static final int DEFAULT_TIMEOUT_MS = 30_000;
    static final int MAX_TIMEOUT_MS = 300_000;
    private static final Set<String> RECORD_FIELDS = Set.of("partition_id", "key", "value", "headers", "timestamp",
            "acks", "timeout_ms");
    private static final Set<String> BATCH_FIELDS = Set.of("records", "acks", "timeout_ms");
    private static final Set<String> RECORD_IN_BATCH_FIELDS = Set.of("partition_id", "key", "value", "headers",
            "timestamp");
    private static final Set<String> HEADER_FIELDS = Set.of("name", "value");

    private ProduceRequestParser() {
    }

    /** Decodes a JSON body (single record or batch). */
    static ProduceRequest parseJson(Context ctx, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw HttpApiException.malformed("the request body must be a JSON object (one record, or {\"records\": [...]})");
        }
        boolean batch = body.has("records");
        List<ProduceRecord> records = new ArrayList<>();
        if (batch) {
            JsonFields.requireObject(body, "", BATCH_FIELDS);
            List<JsonNode> elements = JsonFields.optionalArray(body, "", "records");
            if (elements.isEmpty()) {
                throw HttpApiException.malformed("records must hold at least one record");
            }
            for (int i = 0; i < elements.size(); i++) {
                String path = JsonFields.index("", "records", i);
                JsonFields.requireObject(elements.get(i), path, RECORD_IN_BATCH_FIELDS);
                records.add(record(elements.get(i), path));
            }
        } else {
            JsonFields.requireObject(body, "", RECORD_FIELDS);
            records.add(record(body, ""));
        }
        return new ProduceRequest(records, batch, acks(ctx, body), timeoutMs(ctx, body));
    }

    /** Decodes a binary body: the bytes are the value of one record. */
    static ProduceRequest parseBinary(Context ctx, byte[] body) {
        byte[] key = Params.queryString(ctx, "key").map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        OptionalInt partition = Params.queryLong(ctx, "partition", 0, Integer.MAX_VALUE)
                .map(p -> OptionalInt.of(p.intValue())).orElse(OptionalInt.empty());
        OptionalLong timestamp = Params.queryString(ctx, "timestamp")
                .map(t -> OptionalLong.of(parseTimestamp(t, "timestamp"))).orElse(OptionalLong.empty());
        ProduceRecord record = new ProduceRecord(partition, new TypedData(EmbeddedFormat.STRING, key),
                new TypedData(EmbeddedFormat.BINARY, body), List.of(), timestamp);
        return new ProduceRequest(List.of(record), false, acks(ctx, null), timeoutMs(ctx, null));
    }

    private static ProduceRecord record(JsonNode node, String path) {
        OptionalInt partition = JsonFields.optionalInt(node, path, "partition_id", 0, Integer.MAX_VALUE)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        TypedData key = RecordDataCodec.decode(node.get("key"), JsonFields.join(path, "key"));
        TypedData value = RecordDataCodec.decode(node.get("value"), JsonFields.join(path, "value"));
        OptionalLong timestamp = JsonFields.optional(node, "timestamp")
                .map(t -> OptionalLong.of(timestamp(t, JsonFields.join(path, "timestamp"))))
                .orElse(OptionalLong.empty());
        return new ProduceRecord(partition, key, value, headers(node, path), timestamp);
    }

    private static List<Header> headers(JsonNode node, String path) {
        List<Header> headers = new ArrayList<>();
        List<JsonNode> elements = JsonFields.optionalArray(node, path, "headers");
        for (int i = 0; i < elements.size(); i++) {
            String headerPath = JsonFields.index(path, "headers", i);
            JsonNode header = elements.get(i);
            JsonFields.requireObject(header, headerPath, HEADER_FIELDS);
            String name = JsonFields.requiredString(header, headerPath, "name");
            byte[] value = JsonFields.optional(header, "value")
                    .map(v -> RecordDataCodec.decodeBase64(v, JsonFields.join(headerPath, "value")))
                    .orElse(null);
            headers.add(new RecordHeader(name, value));
        }
        return headers;
    }

    private static long timestamp(JsonNode node, String path) {
        if (node.isTextual()) {
            return parseTimestamp(node.textValue(), path);
        }
        return JsonFields.toLong(node, path, 0, Long.MAX_VALUE);
    }

    private static long parseTimestamp(String raw, String path) {
        if (!raw.isEmpty() && raw.chars().allMatch(Character::isDigit)) {
            return Params.parseLong(path, raw, 0, Long.MAX_VALUE);
        }
        try {
            long millis = Instant.parse(raw).toEpochMilli();
            if (millis < 0) {
                throw HttpApiException.malformed(path + " must not be before 1970-01-01T00:00:00Z");
            }
            return millis;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw HttpApiException.malformed(path + " must be epoch milliseconds or an ISO-8601 instant, got '"
                    + raw + "'");
        }
    }

    /** @return acks from the query string, else the body, else -1 (all) */
    static short acks(Context ctx, JsonNode body) {
        Optional<String> raw = Params.queryString(ctx, "acks");
        if (raw.isEmpty() && body != null) {
            raw = JsonFields.optional(body, "acks").map(JsonNode::asText);
        }
        return raw.map(ProduceRequestParser::parseAcks).orElse((short) -1);
    }

    private static short parseAcks(String raw) {
        return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "0" -> 0;
            case "1" -> 1;
            case "all", "-1" -> -1;
            default -> throw HttpApiException.malformed("acks must be 0, 1, all or -1, got '" + raw + "'");
        };
    }

    private static int timeoutMs(Context ctx, JsonNode body) {
        Optional<Long> query = Params.queryLong(ctx, "timeout_ms", 0, MAX_TIMEOUT_MS);
        if (query.isPresent()) {
            return query.get().intValue();
        }
        return body == null ? DEFAULT_TIMEOUT_MS
                : JsonFields.optionalInt(body, "", "timeout_ms", 0, MAX_TIMEOUT_MS).orElse(DEFAULT_TIMEOUT_MS);
    }
}
