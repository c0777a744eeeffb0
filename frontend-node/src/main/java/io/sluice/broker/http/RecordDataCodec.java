package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Converts record keys and values between JSON and bytes.
 *
 * <p>Produce side: {@code {"type": "STRING"|"JSON"|"BINARY", "data": ...}} (see {@link EmbeddedFormat}); an absent
 * or null {@code data} (or an absent or null key/value object) is a null key or value. Fetch side: bytes that are
 * valid UTF-8 come back as {@code STRING}, anything else as {@code BINARY} (base64), so that fetched data always
 * round-trips to the exact stored bytes.
 */
final class RecordDataCodec {
    private static final Set<String> FIELDS = Set.of("type", "data");

    /** The JSON form of a fetched key or value. */
    record Encoded(EmbeddedFormat type, String data) {
    }

    private RecordDataCodec() {
    }

    /**
     * @param node the key or value object, or null / JSON null
     * @param path the field path for error messages, e.g. {@code records[0].value}
     * @return the decoded data; {@code bytes} is null for a null key or value
     * @throws HttpApiException 400 (40001) for an unknown type, a STRING that is not a string, bad base64
     */
    static TypedData decode(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return new TypedData(EmbeddedFormat.BINARY, null);
        }
        JsonFields.requireObject(node, path, FIELDS);
        String typeName = JsonFields.requiredString(node, path, "type");
        EmbeddedFormat format = EmbeddedFormat.parse(typeName).orElseThrow(() -> HttpApiException.malformed(
                JsonFields.join(path, "type") + " '" + typeName + "' is not supported; use STRING, JSON or BINARY"
                        + " (Schema Registry formats are not available)"));
        JsonNode data = node.get("data");
        if (data == null || data.isNull()) {
            return new TypedData(format, null);
        }
        return new TypedData(format, switch (format) {
            case STRING -> {
                if (!data.isTextual()) {
                    throw HttpApiException.malformed(JsonFields.join(path, "data") + " must be a string for type STRING");
                }
                yield data.textValue().getBytes(StandardCharsets.UTF_8);
            }
            case JSON -> Json.write(data);
            case BINARY -> decodeBase64(data, JsonFields.join(path, "data"));
        });
    }

    /** @return the bytes of a base64 JSON string */
    static byte[] decodeBase64(JsonNode data, String path) {
        if (!data.isTextual()) {
            throw HttpApiException.malformed(path + " must be a base64 string");
        }
        try {
            return Base64.getDecoder().decode(data.textValue());
        } catch (IllegalArgumentException e) {
            throw HttpApiException.malformed(path + " is not valid base64: " + e.getMessage());
        }
    }

    /** @return the JSON form of fetched bytes, or null for a null key or value */
    static Encoded encode(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer text = decoder.decode(bytes.duplicate());
            return new Encoded(EmbeddedFormat.STRING, text.toString());
        } catch (CharacterCodingException e) {
            return new Encoded(EmbeddedFormat.BINARY, base64(bytes));
        }
    }

    /** @return the standard base64 of the buffer's remaining bytes (the buffer is not consumed) */
    static String base64(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return Base64.getEncoder().encodeToString(array);
    }
}
