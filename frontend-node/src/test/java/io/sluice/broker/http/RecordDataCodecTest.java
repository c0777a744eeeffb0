package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordDataCodecTest {

    @Test
    void stringIsStoredAsUtf8() {
        TypedData data = RecordDataCodec.decode(json("{\"type\": \"STRING\", \"data\": \"ünïcode ✓\"}"), "value");
        assertThat(data.format()).isEqualTo(EmbeddedFormat.STRING);
        assertThat(new String(data.bytes(), StandardCharsets.UTF_8)).isEqualTo("ünïcode ✓");
        assertThat(data.size()).isEqualTo("ünïcode ✓".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void jsonIsStoredAsItsCompactSerialisationWithExactNumbers() {
        TypedData data = RecordDataCodec.decode(
                json("{\"type\": \"json\", \"data\": {\"price\": 10.50, \"big\": 12345678901234567890, \"s\": \"x\"}}"),
                "value");
        assertThat(data.format()).isEqualTo(EmbeddedFormat.JSON);
        assertThat(new String(data.bytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"price\":10.50,\"big\":12345678901234567890,\"s\":\"x\"}");
        assertThat(new String(RecordDataCodec.decode(json("{\"type\": \"JSON\", \"data\": \"text\"}"), "v").bytes(),
                StandardCharsets.UTF_8)).isEqualTo("\"text\"");
    }

    @Test
    void binaryIsBase64Decoded() {
        TypedData data = RecordDataCodec.decode(json("{\"type\": \"BINARY\", \"data\": \"AAEC/w==\"}"), "key");
        assertThat(data.bytes()).containsExactly(0, 1, 2, 0xff);
    }

    @Test
    void absentOrNullDataIsANullKeyOrValue() {
        assertThat(RecordDataCodec.decode(null, "key").bytes()).isNull();
        assertThat(RecordDataCodec.decode(json("null"), "key").bytes()).isNull();
        assertThat(RecordDataCodec.decode(json("{\"type\": \"STRING\"}"), "key").bytes()).isNull();
        assertThat(RecordDataCodec.decode(json("{\"type\": \"JSON\", \"data\": null}"), "key").bytes()).isNull();
        assertThat(RecordDataCodec.decode(json("{\"type\": \"STRING\", \"data\": \"\"}"), "key").bytes()).isEmpty();
    }

    @Test
    void malformedDataIsRejectedNamingTheField() {
        assertRejected("{\"type\": \"AVRO\", \"data\": \"x\"}", "records[1].value.type");
        assertRejected("{\"data\": \"x\"}", "records[1].value.type is required");
        assertRejected("{\"type\": \"STRING\", \"data\": {}}", "records[1].value.data");
        assertRejected("{\"type\": \"BINARY\", \"data\": \"%%%\"}", "base64");
        assertRejected("{\"type\": \"BINARY\", \"data\": 12}", "base64");
        assertRejected("{\"type\": \"STRING\", \"data\": \"x\", \"schema_id\": 3}", "schema_id");
        assertRejected("\"just a string\"", "must be a JSON object");
    }

    @Test
    void fetchedUtf8IsAStringAndAnythingElseBase64() {
        RecordDataCodec.Encoded text = RecordDataCodec.encode(ByteBuffer.wrap("héllo".getBytes(StandardCharsets.UTF_8)));
        assertThat(text).isEqualTo(new RecordDataCodec.Encoded(EmbeddedFormat.STRING, "héllo"));
        ByteBuffer binary = ByteBuffer.wrap(new byte[]{(byte) 0xc3, 0x28});
        assertThat(RecordDataCodec.encode(binary)).isEqualTo(new RecordDataCodec.Encoded(EmbeddedFormat.BINARY, "wyg="));
        assertThat(binary.remaining()).as("the buffer is not consumed").isEqualTo(2);
        assertThat(RecordDataCodec.encode(null)).isNull();
        assertThat(RecordDataCodec.encode(ByteBuffer.allocate(0)))
                .isEqualTo(new RecordDataCodec.Encoded(EmbeddedFormat.STRING, ""));
    }

    private static void assertRejected(String node, String messagePart) {
        assertThatThrownBy(() -> RecordDataCodec.decode(json(node), "records[1].value"))
                .isInstanceOfSatisfying(HttpApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(HttpApiException.MALFORMED_REQUEST);
                })
                .hasMessageContaining(messagePart);
    }

    private static JsonNode json(String text) {
        return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
