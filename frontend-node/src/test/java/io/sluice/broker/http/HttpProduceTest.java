package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Produce over HTTP, checked by reading the records back with a real {@link KafkaConsumer}, and the produce error
 * paths (each followed by a request that must still succeed).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpProduceTest {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private HttpTestClient http;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir, Map.of("http.max.request.bytes", Integer.toString(MAX_REQUEST_BYTES)));
        http = new HttpTestClient(broker.httpUrl());
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void stringJsonAndBinaryKeysValuesAndHeadersAreConsumedIntact() throws Exception {
        createTopic("produce-types", 1, Map.of());
        byte[] binaryKey = {0, 1, 2, (byte) 0xff, (byte) 0xfe};
        byte[] binaryValue = new byte[300];
        for (int i = 0; i < binaryValue.length; i++) {
            binaryValue[i] = (byte) (i * 7);
        }
        byte[] headerValue = "trace-42".getBytes(StandardCharsets.UTF_8);
        long timestamp = 1_700_000_000_123L;
        String body = """
                {"records": [
                  {"key": {"type": "STRING", "data": "user-1"}, "value": {"type": "STRING", "data": "héllo wörld"}},
                  {"key": {"type": "JSON", "data": {"id": 7}},
                   "value": {"type": "JSON", "data": {"amount": 10.50, "items": [1, "two", null], "ok": true}}},
                  {"key": {"type": "BINARY", "data": "%s"}, "value": {"type": "BINARY", "data": "%s"},
                   "headers": [{"name": "trace", "value": "%s"}, {"name": "empty", "value": null}],
                   "timestamp": %d},
                  {"key": {"type": "STRING", "data": "tombstone"}, "value": null}
                ]}""".formatted(base64(binaryKey), base64(binaryValue), base64(headerValue), timestamp);

        HttpTestClient.Response response = http.postJson("/v3/clusters/local/topics/produce-types/records", body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode results = response.json().get("results");
        assertThat(results).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(results.get(i).get("error_code").asInt()).isEqualTo(200);
            assertThat(results.get(i).get("offset").asLong()).isEqualTo(i);
            assertThat(results.get(i).get("partition_id").asInt()).isZero();
        }
        assertThat(results.get(2).get("timestamp").asText()).isEqualTo(Instant.ofEpochMilli(timestamp).toString());
        assertThat(results.get(2).at("/value/type").asText()).isEqualTo("BINARY");
        assertThat(results.get(2).at("/value/size").asInt()).isEqualTo(300);
        assertThat(results.get(3).has("value")).isFalse();

        List<ConsumerRecord<byte[], byte[]>> read = consume("produce-types", 0, 4);
        assertThat(utf8(read.get(0).key())).isEqualTo("user-1");
        assertThat(utf8(read.get(0).value())).isEqualTo("héllo wörld");
        assertThat(utf8(read.get(1).key())).isEqualTo("{\"id\":7}");
        assertThat(utf8(read.get(1).value())).isEqualTo("{\"amount\":10.50,\"items\":[1,\"two\",null],\"ok\":true}");
        assertThat(read.get(2).key()).isEqualTo(binaryKey);
        assertThat(read.get(2).value()).isEqualTo(binaryValue);
        assertThat(read.get(2).timestamp()).isEqualTo(timestamp);
        assertThat(read.get(2).timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        Header[] headers = read.get(2).headers().toArray();
        assertThat(headers).hasSize(2);
        assertThat(headers[0].key()).isEqualTo("trace");
        assertThat(headers[0].value()).isEqualTo(headerValue);
        assertThat(headers[1].key()).isEqualTo("empty");
        assertThat(headers[1].value()).isNull();
        assertThat(read.get(3).value()).isNull();
        assertThat(read.get(0).timestamp()).isCloseTo(System.currentTimeMillis(), within(60_000L));
    }

    @Test
    void aSingleRecordGetsConfluentsProduceResponse() throws Exception {
        createTopic("produce-single", 1, Map.of());
        String clusterId = http.get("/v3/clusters").json().at("/data/0/cluster_id").asText();
        HttpTestClient.Response response = http.postJson("/v3/clusters/" + clusterId + "/topics/produce-single/records",
                "{\"key\": {\"type\": \"STRING\", \"data\": \"k\"}, \"value\": {\"type\": \"JSON\", \"data\": [1,2]},"
                        + " \"timestamp\": \"2024-05-01T12:00:00Z\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode result = response.json();
        assertThat(result.get("error_code").asInt()).isEqualTo(200);
        assertThat(result.get("cluster_id").asText()).isEqualTo(clusterId);
        assertThat(result.get("topic_name").asText()).isEqualTo("produce-single");
        assertThat(result.get("partition_id").asInt()).isZero();
        assertThat(result.get("offset").asLong()).isZero();
        assertThat(result.get("timestamp").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(result.at("/key/type").asText()).isEqualTo("STRING");
        assertThat(result.at("/key/size").asInt()).isEqualTo(1);
        assertThat(result.at("/value/type").asText()).isEqualTo("JSON");
        assertThat(result.at("/value/size").asInt()).isEqualTo(5);

        ConsumerRecord<byte[], byte[]> record = consume("produce-single", 0, 1).get(0);
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z").toEpochMilli());
        assertThat(utf8(record.value())).isEqualTo("[1,2]");
    }

    @Test
    void aBinaryBodyIsOneRecordsValue() throws Exception {
        createTopic("produce-binary", 3, Map.of());
        byte[] value = new byte[1000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (255 - i % 256);
        }
        HttpTestClient.Response response = http.postBytes(
                "/v3/clusters/local/topics/produce-binary/records?key=order-9&partition=2&acks=1",
                "application/octet-stream", value);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.json().get("partition_id").asInt()).isEqualTo(2);
        assertThat(response.json().at("/value/size").asInt()).isEqualTo(1000);

        ConsumerRecord<byte[], byte[]> record = consume("produce-binary", 2, 1).get(0);
        assertThat(utf8(record.key())).isEqualTo("order-9");
        assertThat(record.value()).isEqualTo(value);
    }

    @Test
    void keyedRecordsLandOnTheSamePartitionAsWithTheJavaProducer() throws Exception {
        createTopic("produce-keys", 7, Map.of());
        Map<String, Integer> viaKafka = new HashMap<>();
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = 0; i < 30; i++) {
                String key = "customer-" + i;
                viaKafka.put(key, producer.send(new ProducerRecord<>("produce-keys", key, "kafka")).get(30, TimeUnit.SECONDS)
                        .partition());
            }
        }
        assertThat(new HashSet<>(viaKafka.values())).as("keys spread over several partitions").hasSizeGreaterThan(3);

        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < 30; i++) {
            body.append(i == 0 ? "" : ",").append("{\"key\": {\"type\": \"STRING\", \"data\": \"customer-").append(i)
                    .append("\"}, \"value\": {\"type\": \"STRING\", \"data\": \"http\"}}");
        }
        HttpTestClient.Response response = http.postJson("/v3/clusters/local/topics/produce-keys/records",
                body.append("]}").toString());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode results = response.json().get("results");
        for (int i = 0; i < 30; i++) {
            assertThat(results.get(i).get("partition_id").asInt()).as("customer-" + i)
                    .isEqualTo(viaKafka.get("customer-" + i));
        }
        HttpTestClient.Response binary = http.postBytes("/v3/clusters/local/topics/produce-keys/records?key=customer-3",
                "application/octet-stream", new byte[]{1});
        assertThat(binary.json().get("partition_id").asInt()).isEqualTo(viaKafka.get("customer-3"));
    }

    @Test
    void recordsOfOneRequestAcrossPartitionsGetOffsetsInRequestOrder() throws Exception {
        createTopic("produce-spread", 3, Map.of());
        HttpTestClient.Response response = http.postJson("/v3/clusters/local/topics/produce-spread/records", """
                {"records": [
                  {"partition_id": 1, "value": {"type": "STRING", "data": "a"}},
                  {"partition_id": 0, "value": {"type": "STRING", "data": "b"}},
                  {"partition_id": 1, "value": {"type": "STRING", "data": "c"}},
                  {"value": {"type": "STRING", "data": "d"}},
                  {"value": {"type": "STRING", "data": "e"}},
                  {"value": {"type": "STRING", "data": "f"}}
                ]}""");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode results = response.json().get("results");
        assertThat(results.get(0).get("partition_id").asInt()).isEqualTo(1);
        assertThat(results.get(0).get("offset").asLong()).isZero();
        assertThat(results.get(1).get("partition_id").asInt()).isZero();
        assertThat(results.get(1).get("offset").asLong()).isZero();
        assertThat(results.get(2).get("partition_id").asInt()).isEqualTo(1);
        assertThat(results.get(2).get("offset").asLong()).isEqualTo(1);
        List<Integer> roundRobin = List.of(results.get(3).get("partition_id").asInt(),
                results.get(4).get("partition_id").asInt(), results.get(5).get("partition_id").asInt());
        assertThat(roundRobin).as("unkeyed records rotate over the partitions").containsExactlyInAnyOrder(0, 1, 2);

        Map<TopicPartition, Map<Long, String>> stored = consumeAll("produce-spread", 3, 6);
        for (int i = 0; i < 6; i++) {
            JsonNode result = results.get(i);
            TopicPartition tp = new TopicPartition("produce-spread", result.get("partition_id").asInt());
            assertThat(stored.get(tp).get(result.get("offset").asLong())).isEqualTo(String.valueOf((char) ('a' + i)));
        }
    }

    @Test
    void everyAcksSettingAnswersAfterTheAppend() throws Exception {
        createTopic("produce-acks", 1, Map.of());
        for (String acks : List.of("0", "1", "all", "-1")) {
            HttpTestClient.Response response = http.postJson("/v3/clusters/local/topics/produce-acks/records?acks=" + acks,
                    "{\"value\": {\"type\": \"STRING\", \"data\": \"acks " + acks + "\"}}");
            assertThat(response.status()).as(acks + ": " + response.text()).isEqualTo(200);
        }
        HttpTestClient.Response inBody = http.postJson("/v3/clusters/local/topics/produce-acks/records",
                "{\"acks\": 1, \"records\": [{\"value\": {\"type\": \"STRING\", \"data\": \"acks in body\"}}]}");
        assertThat(inBody.status()).as(inBody.text()).isEqualTo(200);
        assertThat(consume("produce-acks", 0, 5)).extracting(r -> utf8(r.value()))
                .containsExactly("acks 0", "acks 1", "acks all", "acks -1", "acks in body");

        HttpTestClient.Response bad = http.postJson("/v3/clusters/local/topics/produce-acks/records?acks=2",
                "{\"value\": {\"type\": \"STRING\", \"data\": \"x\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("acks");
    }

    @Test
    void malformedRequestsAreAnswered400AndTheBrokerKeepsServing() throws Exception {
        createTopic("produce-bad", 1, Map.of());
        String path = "/v3/clusters/local/topics/produce-bad/records";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"value\": ", "malformed JSON");
        cases.put("", "empty");
        cases.put("[1, 2]", "JSON object");
        cases.put("{\"value\": {\"type\": \"STRING\", \"data\": \"x\"}} trailing", "malformed JSON");
        cases.put("{\"value\": {\"type\": \"AVRO\", \"data\": \"x\"}}", "AVRO");
        cases.put("{\"value\": {\"data\": \"x\"}}", "value.type");
        cases.put("{\"value\": {\"type\": \"STRING\", \"data\": 5}}", "value.data");
        cases.put("{\"value\": {\"type\": \"BINARY\", \"data\": \"not base64!\"}}", "base64");
        cases.put("{\"vaule\": {\"type\": \"STRING\", \"data\": \"x\"}}", "vaule");
        cases.put("{\"records\": []}", "at least one");
        cases.put("{\"records\": [{\"partition_id\": -1}]}", "records[0].partition_id");
        cases.put("{\"records\": [{\"timestamp\": \"yesterday\"}]}", "records[0].timestamp");
        cases.put("{\"records\": [{\"headers\": [{\"value\": \"AA==\"}]}]}", "records[0].headers[0].name");
        cases.put("{\"value\": {\"type\": \"STRING\", \"data\": \"x\"}, \"value\": {}}", "Duplicate field");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpTestClient.Response response = http.postJson(path, c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            JsonNode error = response.json();
            assertThat(error.get("error_code").asInt()).as(c.getKey()).isEqualTo(40001);
            assertThat(error.get("kafka_error").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(error.get("kafka_error_code").asInt()).isEqualTo(42);
            assertThat(error.get("message").asText()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(http.postBytes(path + "?partition=abc", "application/octet-stream", new byte[]{1}).status())
                .isEqualTo(400);

        HttpTestClient.Response ok = http.postJson(path, "{\"value\": {\"type\": \"STRING\", \"data\": \"still here\"}}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("offset").asLong()).as("nothing of the bad requests was appended").isZero();
    }

    @Test
    void unknownTopicOrPartitionIs404() throws Exception {
        HttpTestClient.Response topic = http.postJson("/v3/clusters/local/topics/no-such-topic/records",
                "{\"value\": {\"type\": \"STRING\", \"data\": \"x\"}}");
        assertThat(topic.status()).isEqualTo(404);
        assertThat(topic.json().get("error_code").asInt()).isEqualTo(40401);
        assertThat(topic.json().get("kafka_error").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");

        createTopic("produce-404", 2, Map.of());
        HttpTestClient.Response partition = http.postJson("/v3/clusters/local/topics/produce-404/records",
                "{\"partition_id\": 2, \"value\": {\"type\": \"STRING\", \"data\": \"x\"}}");
        assertThat(partition.status()).isEqualTo(404);
        assertThat(partition.json().get("error_code").asInt()).isEqualTo(40402);
    }

    @Test
    void aRecordOverMaxMessageBytesIs413AndNothingIsAppended() throws Exception {
        createTopic("produce-large", 1, Map.of("max.message.bytes", "1024"));
        String path = "/v3/clusters/local/topics/produce-large/records";
        HttpTestClient.Response tooLarge = http.postJson(path,
                "{\"value\": {\"type\": \"STRING\", \"data\": \"" + "x".repeat(4000) + "\"}}");
        assertThat(tooLarge.status()).as(tooLarge.text()).isEqualTo(413);
        assertThat(tooLarge.json().get("error_code").asInt()).isEqualTo(41301);
        assertThat(tooLarge.json().get("kafka_error").asText()).isEqualTo("MESSAGE_TOO_LARGE");

        HttpTestClient.Response batch = http.postJson(path, "{\"records\": [{\"value\": {\"type\": \"STRING\", \"data\": \""
                + "y".repeat(4000) + "\"}}]}");
        assertThat(batch.status()).isEqualTo(413);
        assertThat(batch.json().at("/results/0/error_code").asInt()).isEqualTo(41301);
        assertThat(batch.json().at("/results/0/kafka_error").asText()).isEqualTo("MESSAGE_TOO_LARGE");

        HttpTestClient.Response small = http.postJson(path, "{\"value\": {\"type\": \"STRING\", \"data\": \"small\"}}");
        assertThat(small.status()).isEqualTo(200);
        assertThat(small.json().get("offset").asLong()).isZero();
    }

    @Test
    void aBodyOverTheHttpLimitIs413WithOrWithoutContentLength() throws Exception {
        createTopic("produce-body-limit", 1, Map.of());
        String path = "/v3/clusters/local/topics/produce-body-limit/records";
        byte[] big = new byte[MAX_REQUEST_BYTES + 1];
        HttpTestClient.Response declared = http.postBytes(path, "application/octet-stream", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().get("error_code").asInt()).isEqualTo(41302);

        HttpRequest chunked = HttpRequest.newBuilder(URI.create(broker.httpUrl() + path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("41302");

        HttpTestClient.Response fits = http.postBytes(path, "application/octet-stream", new byte[MAX_REQUEST_BYTES / 2]);
        assertThat(fits.status()).as(fits.text()).isEqualTo(200);
        assertThat(fits.json().get("offset").asLong()).isZero();
    }

    private void createTopic(String name, int partitions, Map<String, String> configs) {
        StringBuilder configJson = new StringBuilder("[");
        configs.forEach((k, v) -> configJson.append(configJson.length() > 1 ? "," : "")
                .append("{\"name\":\"").append(k).append("\",\"value\":\"").append(v).append("\"}"));
        HttpTestClient.Response created = http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"" + name
                + "\", \"partitions_count\": " + partitions + ", \"configs\": " + configJson + "]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(String topic, int partition, int expected) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.bytesConsumer(Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, partition)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return read.size() >= expected;
            });
        }
        assertThat(read).hasSize(expected);
        return read;
    }

    /** @return value (UTF-8) by offset by partition, once {@code expected} records were read */
    private Map<TopicPartition, Map<Long, String>> consumeAll(String topic, int partitions, int expected) {
        Map<TopicPartition, Map<Long, String>> read = new HashMap<>();
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.bytesConsumer(Map.of())) {
            consumer.assign(all);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> read.computeIfAbsent(
                        new TopicPartition(r.topic(), r.partition()), tp -> new HashMap<>()).put(r.offset(), utf8(r.value())));
                return read.values().stream().mapToInt(Map::size).sum() >= expected;
            });
        }
        return read;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
