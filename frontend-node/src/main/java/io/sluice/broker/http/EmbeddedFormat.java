package io.sluice.broker.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a record key or value is written in JSON (Confluent REST Proxy v3's {@code EmbeddedFormat}, without the
 * Schema Registry formats AVRO, PROTOBUF and JSONSCHEMA, which Sluice does not serve):
 * <ul>
 *   <li>{@link #STRING}: {@code data} is a JSON string, stored as its UTF-8 bytes;</li>
 *   <li>{@link #JSON}: {@code data} is any JSON value, stored as its UTF-8 JSON serialization;</li>
 *   <li>{@link #BINARY}: {@code data} is a base64 string (RFC 4648, standard alphabet), stored decoded.</li>
 * </ul>
 */
public enum EmbeddedFormat {
    BINARY, JSON, STRING;

    /** @return the format named {@code name} (case-insensitive), empty if unknown */
    static Optional<EmbeddedFormat> parse(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.name().equals(upper)).findFirst();
    }
}
