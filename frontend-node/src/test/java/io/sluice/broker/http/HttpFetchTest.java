package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Fetch over HTTP of records written by a real {@link KafkaProducer}, as JSON and as raw record batches. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFetchTest {
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private HttpTestClient http;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir);
        http = new HttpTestClient(broker.httpUrl());
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsFromAKafkaProducerAreFetchedAsJson() throws Exception {
        createTopic("fetch-json", 2);
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28, 0, (byte) 0xff};
        long timestamp = System.currentTimeMillis() - 5_000;
        try (KafkaProducer<byte[], byte[]> producer = broker.bytesProducer(Map.of())) {
            ProducerRecord<byte[], byte[]> first = new ProducerRecord<>("fetch-json", 1, timestamp,
                    utf8("key-1"), utf8("{\"hello\": \"wörld\"}"));
            first.headers().add(new RecordHeader("h1", utf8("v1")));
            first.headers().add(new RecordHeader("nil", null));
            producer.send(first).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("fetch-json", 1, timestamp + 1, null, notUtf8)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("fetch-json", 1, timestamp + 2, notUtf8, (byte[]) null)).get(30, TimeUnit.SECONDS);
        }

        HttpTestClient.Response response = http.get("/v3/clusters/local/topics/fetch-json/partitions/1/records");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("next_offset").asLong()).isEqualTo(3);
        assertThat(body.get("high_watermark").asLong()).isEqualTo(3);
        assertThat(body.get("log_start_offset").asLong()).isZero();
        assertThat(body.get("log_end_offset").asLong()).isEqualTo(3);
        JsonNode records = body.get("records");
        assertThat(records).hasSize(3);

        JsonNode first = records.get(0);
        assertThat(first.get("partition_id").asInt()).isEqualTo(1);
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").asLong()).isEqualTo(timestamp);
        assertThat(first.get("timestamp_type").asText()).isEqualTo("CREATE_TIME");
        assertThat(first.at("/key/type").asText()).isEqualTo("STRING");
        assertThat(first.at("/key/data").asText()).isEqualTo("key-1");
        assertThat(first.at("/value/type").asText()).isEqualTo("STRING");
        assertThat(first.at("/value/data").asText()).isEqualTo("{\"hello\": \"wörld\"}");
        assertThat(first.at("/headers/0/name").asText()).isEqualTo("h1");
        assertThat(first.at("/headers/0/value").asText()).isEqualTo(Base64.getEncoder().encodeToString(utf8("v1")));
        assertThat(first.at("/headers/1/name").asText()).isEqualTo("nil");
        assertThat(first.at("/headers/1/value").isNull()).isTrue();

        JsonNode second = records.get(1);
        assertThat(second.get("key").isNull()).isTrue();
        assertThat(second.at("/value/type").asText()).isEqualTo("BINARY");
        assertThat(Base64.getDecoder().decode(second.at("/value/data").asText())).isEqualTo(notUtf8);
        JsonNode third = records.get(2);
        assertThat(Base64.getDecoder().decode(third.at("/key/data").asText())).isEqualTo(notUtf8);
        assertThat(third.get("value").isNull()).isTrue();
        assertThat(third.get("headers")).isEmpty();

        JsonNode other = http.get("/v3/clusters/local/topics/fetch-json/partitions/0/records").json();
        assertThat(other.get("records")).isEmpty();
        assertThat(other.get("next_offset").asLong()).isZero();
    }

    @Test
    void jsonFetchSkipsRecordsBeforeTheOffsetInsideTheFirstBatch() {
        createTopic("fetch-mid-batch", 1);
        HttpTestClient.Response produced = http.postJson("/v3/clusters/local/topics/fetch-mid-batch/records",
                "{\"records\": [" + String.join(",", List.of(value("r0"), value("r1"), value("r2"), value("r3"),
                        value("r4"))) + "]}");
        assertThat(produced.status()).as(produced.text()).isEqualTo(200);

        JsonNode fromTwo = http.get("/v3/clusters/local/topics/fetch-mid-batch/partitions/0/records?offset=2").json();
        assertThat(fromTwo.get("records").findValuesAsText("offset")).containsExactly("2", "3", "4");
        assertThat(fromTwo.get("records").findValues("value").stream().map(v -> v.get("data").asText()))
                .containsExactly("r2", "r3", "r4");
        assertThat(fromTwo.get("next_offset").asLong()).isEqualTo(5);

        HttpTestClient.Response binary = http.get(
                "/v3/clusters/local/topics/fetch-mid-batch/partitions/0/records?offset=2&format=binary");
        List<RecordBatch> batches = batches(binary.body());
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).baseOffset()).as("raw batches are whole: the batch starts before the offset").isZero();
        assertThat(binary.header(FetchRoutes.NEXT_OFFSET_HEADER)).isEqualTo("5");
    }

    @Test
    void rawBatchesAreTheStoredBytes() throws Exception {
        createTopic("fetch-binary", 1);
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 50, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(producer.send(new ProducerRecord<>("fetch-binary", 0, "k" + i, "value-" + i)));
            }
            producer.flush();
            for (java.util.concurrent.Future<RecordMetadata> future : futures) {
                sent.add(future.get(30, TimeUnit.SECONDS));
            }
        }
        assertThat(sent).extracting(RecordMetadata::offset).last().isEqualTo(19L);

        HttpTestClient.Response binary = http.get("/v3/clusters/local/topics/fetch-binary/partitions/0/records",
                "application/octet-stream");
        assertThat(binary.status()).isEqualTo(200);
        assertThat(binary.header("Content-Type")).startsWith("application/octet-stream");
        assertThat(binary.header(FetchRoutes.NEXT_OFFSET_HEADER)).isEqualTo("20");
        assertThat(binary.header(FetchRoutes.HIGH_WATERMARK_HEADER)).isEqualTo("20");
        assertThat(binary.header(FetchRoutes.LOG_START_OFFSET_HEADER)).isEqualTo("0");
        List<RecordBatch> batches = batches(binary.body());
        assertThat(batches).isNotEmpty();
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : batches) {
            batch.ensureValid();
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
            assertThat(batch.compressionType().name).isEqualTo("lz4");
            for (Record record : batch) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        assertThat(values).hasSize(20).first().isEqualTo("value-0");
        assertThat(values).last().isEqualTo("value-19");

        JsonNode json = http.get("/v3/clusters/local/topics/fetch-binary/partitions/0/records").json();
        assertThat(json.get("records")).hasSize(20);
        assertThat(json.at("/records/19/value/data").asText()).isEqualTo("value-19");
    }

    @Test
    void smallMaxBytesStillProgressesBatchByBatch() {
        createTopic("fetch-paging", 1);
        for (int i = 0; i < 5; i++) {
            assertThat(http.postJson("/v3/clusters/local/topics/fetch-paging/records", value("page-" + i)).status())
                    .isEqualTo(200);
        }
        List<String> seen = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 5; i++) {
            JsonNode page = http.get("/v3/clusters/local/topics/fetch-paging/partitions/0/records?max_bytes=1&offset="
                    + offset).json();
            assertThat(page.get("records")).as("the first batch comes whole even over max_bytes").hasSize(1);
            seen.add(page.at("/records/0/value/data").asText());
            offset = page.get("next_offset").asLong();
        }
        assertThat(seen).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4");
        assertThat(offset).isEqualTo(5);
    }

    @Test
    void aLongPollReturnsWhenARecordArrives() throws Exception {
        createTopic("fetch-long-poll", 1);
        String path = "/v3/clusters/local/topics/fetch-long-poll/partitions/0/records";
        CompletableFuture<HttpTestClient.Response> poll = http.getAsync(path + "?offset=latest&timeout_ms=30000");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !poll.isDone());

        long start = System.nanoTime();
        assertThat(http.postJson("/v3/clusters/local/topics/fetch-long-poll/records", value("wake up")).status())
                .isEqualTo(200);
        HttpTestClient.Response response = poll.get(30, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.json().at("/records/0/value/data").asText()).isEqualTo("wake up");
        assertThat(response.json().get("next_offset").asLong()).isEqualTo(1);
    }

    @Test
    void aLongPollWithoutDataAnswersEmptyAfterItsTimeout() {
        createTopic("fetch-timeout", 1);
        long start = System.nanoTime();
        HttpTestClient.Response response = http.get(
                "/v3/clusters/local/topics/fetch-timeout/partitions/0/records?offset=0&timeout_ms=300");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("records")).isEmpty();
        assertThat(response.json().get("next_offset").asLong()).isZero();
    }

    @Test
    void badFetchParametersAreRejected() {
        createTopic("fetch-bad", 1);
        String path = "/v3/clusters/local/topics/fetch-bad/partitions/0/records";
        HttpTestClient.Response outOfRange = http.get(path + "?offset=5");
        assertThat(outOfRange.status()).isEqualTo(416);
        assertThat(outOfRange.json().get("error_code").asInt()).isEqualTo(41601);
        assertThat(outOfRange.json().get("kafka_error").asText()).isEqualTo("OFFSET_OUT_OF_RANGE");
        for (String query : List.of("?offset=abc", "?offset=-1", "?max_bytes=0", "?timeout_ms=-5",
                "?timeout_ms=9999999", "?format=xml")) {
            HttpTestClient.Response response = http.get(path + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("error_code").asInt()).as(query).isEqualTo(40001);
        }
        assertThat(http.get("/v3/clusters/local/topics/fetch-bad/partitions/1/records").json().get("error_code")
                .asInt()).isEqualTo(40402);
        assertThat(http.get(path).status()).isEqualTo(200);
    }

    private void createTopic(String name, int partitions) {
        HttpTestClient.Response created = http.postJson("/v3/clusters/local/topics",
                "{\"topic_name\": \"" + name + "\", \"partitions_count\": " + partitions + "}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private static String value(String text) {
        return "{\"value\": {\"type\": \"STRING\", \"data\": \"" + text + "\"}}";
    }

    private static List<RecordBatch> batches(byte[] bytes) {
        List<RecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches().forEach(batches::add);
        int total = batches.stream().mapToInt(RecordBatch::sizeInBytes).sum();
        assertThat(total).as("the body holds whole batches only").isEqualTo(bytes.length);
        return batches;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
