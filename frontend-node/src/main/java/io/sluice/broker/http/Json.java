package io.sluice.broker.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration of the HTTP API.
 *
 * <p>Responses are Java records written with snake_case names ({@code partitionsCount} becomes
 * {@code partitions_count}, as in Confluent REST Proxy v3) and null fields left out. Requests are read as trees and
 * checked field by field, so a malformed body is reported as a 400 naming the field. Reading is strict: duplicate
 * keys and trailing content are rejected, and decimal numbers keep their exact digits so that a {@code JSON} record
 * value is stored as written.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    /** @return the shared mapper (thread-safe) */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a request body.
     *
     * @throws HttpApiException 400 (40001) if the body is empty or not one well-formed JSON value
     */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw HttpApiException.malformed("the request body is empty; a JSON object is expected");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw HttpApiException.malformed("the request body holds no JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw HttpApiException.malformed("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code value} as UTF-8 JSON bytes */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }
}
