package io.sluice.metadata.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.etcd.jetcd.ByteSequence;

import org.apache.kafka.common.errors.UnknownServerException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Encodes and decodes {@link StoredValues} as UTF-8 JSON. Thread-safe. */
final class ValueCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .build();

    private ValueCodec() {
    }

    static ByteSequence encode(StoredValues.Versioned value) {
        try {
            return ByteSequence.from(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    /**
     * @throws UnknownServerException if the bytes are not a document of this type or carry another version
     */
    static <T extends StoredValues.Versioned> T decode(ByteSequence bytes, Class<T> type, ByteSequence key) {
        T value;
        try {
            value = MAPPER.readValue(bytes.getBytes(), type);
        } catch (IOException e) {
            throw new UnknownServerException("Corrupt metadata at " + key.toString(StandardCharsets.UTF_8) + ": "
                + e.getMessage(), e);
        }
        if (value.version() != StoredValues.VERSION) {
            throw new UnknownServerException("Unsupported metadata format version " + value.version() + " at "
                + key.toString(StandardCharsets.UTF_8) + " (this broker reads version " + StoredValues.VERSION + ")");
        }
        return value;
    }
}
