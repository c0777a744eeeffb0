package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At-least-once consumption over HTTP with a consumer group's committed offsets: commits over HTTP are real Kafka
 * commits (read back by the Admin client and by a KafkaConsumer of the same group), "the next records for group G"
 * start at the committed offset or where {@code auto_offset_reset} says, and the error answers.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpGroupConsumptionTest {
    private static final String GROUPS = "/v3/clusters/local/consumer-groups/";
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private HttpTestClient http;
    private Admin admin;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir);
        http = new HttpTestClient(broker.httpUrl());
        admin = broker.admin();
    }

    @AfterAll
    void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void offsetsCommittedOverHttpAreReadOverHttpAndByTheAdminClient() throws Exception {
        broker.createTopic("committed", 2, Map.of());
        HttpTestClient.Response commit = http.postJson(GROUPS + "http-commit/offsets", """
                {"offsets": [{"topic_name": "committed", "partition_id": 0, "offset": 3, "metadata": "batch-1"},
                             {"topic_name": "committed", "partition_id": 1, "offset": 0}]}""");
        assertThat(commit.status()).as(commit.text()).isEqualTo(200);
        assertThat(commit.json().get("consumer_group_id").asText()).isEqualTo("http-commit");
        assertThat(commit.json().get("offsets")).hasSize(2);

        JsonNode read = http.get(GROUPS + "http-commit/offsets").json();
        assertThat(read.get("cluster_id").asText())
                .isEqualTo(broker.broker().metadataImage().clusterId().orElseThrow());
        assertThat(read.at("/offsets/0/topic_name").asText()).isEqualTo("committed");
        assertThat(read.at("/offsets/0/partition_id").asInt()).isZero();
        assertThat(read.at("/offsets/0/offset").asLong()).isEqualTo(3);
        assertThat(read.at("/offsets/0/metadata").asText()).isEqualTo("batch-1");
        assertThat(read.at("/offsets/1/partition_id").asInt()).isEqualTo(1);
        assertThat(read.at("/offsets/1/offset").asLong()).isZero();
        assertThat(read.at("/offsets/1/metadata").asText()).isEmpty();

        Map<TopicPartition, OffsetAndMetadata> byAdmin = admin.listConsumerGroupOffsets("http-commit")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(byAdmin).containsOnlyKeys(new TopicPartition("committed", 0), new TopicPartition("committed", 1));
        assertThat(byAdmin.get(new TopicPartition("committed", 0)).offset()).isEqualTo(3);
        assertThat(byAdmin.get(new TopicPartition("committed", 0)).metadata()).isEqualTo("batch-1");
        assertThat(byAdmin.get(new TopicPartition("committed", 1)).offset()).isZero();

        admin.alterConsumerGroupOffsets("http-commit", Map.of(new TopicPartition("committed", 1),
                new OffsetAndMetadata(7, "by-admin"))).all().get(30, TimeUnit.SECONDS);
        JsonNode afterAdmin = http.get(GROUPS + "http-commit/offsets").json();
        assertThat(afterAdmin.at("/offsets/1/offset").asLong()).isEqualTo(7);
        assertThat(afterAdmin.at("/offsets/1/metadata").asText()).isEqualTo("by-admin");
    }

    @Test
    void groupIdsArePercentDecodedPathSegments() throws Exception {
        broker.createTopic("named", 1, Map.of());
        assertThat(commit("orders%20app%2Fv2", "named", 0, 2).status()).isEqualTo(200);
        Map<TopicPartition, OffsetAndMetadata> byAdmin = admin.listConsumerGroupOffsets("orders app/v2")
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        assertThat(byAdmin.get(new TopicPartition("named", 0)).offset()).isEqualTo(2);
        JsonNode group = http.get(GROUPS + "orders%20app%2Fv2").json();
        assertThat(group.get("consumer_group_id").asText()).isEqualTo("orders app/v2");
        assertThat(group.at("/metadata/self").asText()).endsWith("/consumer-groups/orders%20app%2Fv2");
    }

    @Test
    void anHttpConsumerLoopReadsEveryRecordExactlyOnceAndAKafkaConsumerOfTheGroupResumesAfterIt() throws Exception {
        broker.createTopic("loop", 1, Map.of());
        produce("loop", 0, 60);
        List<String> consumed = new ArrayList<>();
        String records = GROUPS + "loop-app/topics/loop/partitions/0/records?auto_offset_reset=earliest&max_bytes=300";
        for (int round = 0; round < 500 && consumed.size() < 100; round++) {
            if (round == 3) {
                produce("loop", 60, 40);
            }
            HttpTestClient.Response fetched = http.get(records);
            assertThat(fetched.status()).as(fetched.text()).isEqualTo(200);
            JsonNode body = fetched.json();
            body.get("records").forEach(r -> consumed.add(r.at("/value/data").asText()));
            if (round > 0) {
                assertThat(body.get("fetch_offset_source").asText()).isEqualTo("committed");
            }
            HttpTestClient.Response commit = http.postJson(GROUPS + "loop-app/offsets",
                    "{\"offsets\": [{\"topic_name\": \"loop\", \"partition_id\": 0, \"offset\": "
                            + body.get("next_offset").asLong() + "}]}");
            assertThat(commit.status()).as(commit.text()).isEqualTo(200);
        }
        assertThat(consumed).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "v-" + i).toList());

        produce("loop", 100, 5);
        List<String> byKafka = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "loop-app", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            consumer.subscribe(List.of("loop"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> byKafka.add(r.value()));
                return byKafka.size() >= 5;
            });
        }
        assertThat(byKafka).containsExactly("v-100", "v-101", "v-102", "v-103", "v-104");
    }

    @Test
    void withoutACommittedOffsetAutoOffsetResetDecidesWhereToStart() throws Exception {
        broker.createTopic("reset", 1, Map.of());
        produce("reset", 0, 3);
        String records = GROUPS + "reset-app/topics/reset/partitions/0/records";

        HttpTestClient.Response none = http.get(records + "?auto_offset_reset=none");
        assertThat(none.status()).as(none.text()).isEqualTo(404);
        assertThat(none.json().get("error_code").asInt()).isEqualTo(HttpApiException.NO_COMMITTED_OFFSET);
        assertThat(none.json().get("message").asText()).contains("no committed offset", "auto_offset_reset");

        JsonNode latest = http.get(records).json();
        assertThat(latest.get("fetch_offset").asLong()).as("latest is the default, as Kafka's").isEqualTo(3);
        assertThat(latest.get("fetch_offset_source").asText()).isEqualTo("latest");
        assertThat(latest.get("records")).isEmpty();
        assertThat(latest.get("next_offset").asLong()).isEqualTo(3);
        assertThat(latest.has("committed_offset")).isFalse();

        JsonNode earliest = http.get(records + "?auto_offset_reset=earliest").json();
        assertThat(earliest.get("fetch_offset").asLong()).isZero();
        assertThat(earliest.get("fetch_offset_source").asText()).isEqualTo("earliest");
        assertThat(earliest.get("records").findValuesAsText("offset")).containsExactly("0", "1", "2");
        assertThat(earliest.get("next_offset").asLong()).isEqualTo(3);

        assertThat(http.get(GROUPS + "reset-app/offsets").status())
                .as("fetching commits nothing: the group still does not exist").isEqualTo(404);

        assertThat(commit("reset-app", "reset", 0, 1).status()).isEqualTo(200);
        for (String reset : List.of("none", "earliest", "latest")) {
            JsonNode committed = http.get(records + "?auto_offset_reset=" + reset).json();
            assertThat(committed.get("fetch_offset").asLong()).isEqualTo(1);
            assertThat(committed.get("fetch_offset_source").asText()).isEqualTo("committed");
            assertThat(committed.get("committed_offset").asLong()).isEqualTo(1);
            assertThat(committed.get("records").findValuesAsText("offset")).containsExactly("1", "2");
        }
        HttpTestClient.Response binary = http.get(records + "?format=binary");
        assertThat(binary.status()).isEqualTo(200);
        assertThat(binary.header(GroupFetchRoutes.FETCH_OFFSET_HEADER)).isEqualTo("1");
        assertThat(binary.header(FetchRoutes.NEXT_OFFSET_HEADER)).isEqualTo("3");
    }

    @Test
    void aCommittedOffsetOutsideTheLogIsResetAsKafkasConsumerDoes() throws Exception {
        broker.createTopic("beyond", 1, Map.of());
        produce("beyond", 0, 3);
        assertThat(commit("beyond-app", "beyond", 0, 100).status()).as("Kafka does not check commits").isEqualTo(200);
        String records = GROUPS + "beyond-app/topics/beyond/partitions/0/records";

        HttpTestClient.Response none = http.get(records + "?auto_offset_reset=none");
        assertThat(none.status()).as(none.text()).isEqualTo(416);
        assertThat(none.json().get("kafka_error").asText()).isEqualTo("OFFSET_OUT_OF_RANGE");

        JsonNode earliest = http.get(records + "?auto_offset_reset=earliest").json();
        assertThat(earliest.get("fetch_offset").asLong()).isZero();
        assertThat(earliest.get("fetch_offset_source").asText()).isEqualTo("earliest");
        assertThat(earliest.get("committed_offset").asLong()).isEqualTo(100);
        assertThat(earliest.get("records")).hasSize(3);
    }

    @Test
    void committingWhileTheGroupHasActiveMembersIsAConflict() throws Exception {
        broker.createTopic("busy", 1, Map.of());
        try (KafkaConsumer<String, String> member = broker.stringConsumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "busy-app", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            member.subscribe(List.of("busy"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            HttpTestClient.Response conflict = commit("busy-app", "busy", 0, 0);
            assertThat(conflict.status()).as(conflict.text()).isEqualTo(409);
            assertThat(conflict.json().get("error_code").asInt()).isEqualTo(HttpApiException.GROUP_HAS_MEMBERS);
            assertThat(conflict.json().get("kafka_error").asText()).isEqualTo("UNKNOWN_MEMBER_ID");
            assertThat(conflict.json().get("message").asText()).contains("active members");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(commit("busy-app", "busy", 0, 0).status()).as("the group is empty once its member left")
                        .isEqualTo(200));
    }

    @Test
    void errorsAreJsonWithKafkaNames() throws Exception {
        broker.createTopic("errs", 1, Map.of());
        for (String path : List.of("no-such-group", "no-such-group/offsets", "no-such-group/lags",
                "no-such-group/lag-summary", "no-such-group/consumers")) {
            HttpTestClient.Response unknown = http.get(GROUPS + path);
            assertThat(unknown.status()).as(path + ": " + unknown.text()).isEqualTo(404);
            assertThat(unknown.json().get("error_code").asInt()).isEqualTo(HttpApiException.GROUP_NOT_FOUND);
            assertThat(unknown.json().get("kafka_error").asText()).isEqualTo("GROUP_ID_NOT_FOUND");
        }

        for (String body : List.of("{", "{}", "{\"offsets\": []}", "{\"offsets\": {}}", "{\"offset\": []}",
                "{\"offsets\": [{\"topic_name\": \"errs\", \"partition_id\": 0}]}",
                "{\"offsets\": [{\"topic_name\": \"errs\", \"partition_id\": 0, \"offset\": -1}]}",
                "{\"offsets\": [{\"topic_name\": \"errs\", \"partition_id\": 0, \"offset\": \"5\"}]}",
                "{\"offsets\": [{\"topic_name\": \"errs\", \"partition_id\": 0, \"offset\": 5, \"epoch\": 1}]}",
                "{\"offsets\": [{\"topic_name\": \"errs\", \"partition_id\": 0, \"offset\": 5},"
                        + " {\"topic_name\": \"errs\", \"partition_id\": 0, \"offset\": 6}]}")) {
            HttpTestClient.Response bad = http.postJson(GROUPS + "errs-app/offsets", body);
            assertThat(bad.status()).as(body + ": " + bad.text()).isEqualTo(400);
            assertThat(bad.json().get("error_code").asInt()).isEqualTo(HttpApiException.MALFORMED_REQUEST);
        }

        HttpTestClient.Response unknownTopic = commit("errs-app", "no-such-topic", 0, 1);
        assertThat(unknownTopic.status()).isEqualTo(404);
        assertThat(unknownTopic.json().get("error_code").asInt()).isEqualTo(HttpApiException.TOPIC_NOT_FOUND);
        HttpTestClient.Response unknownPartition = commit("errs-app", "errs", 3, 1);
        assertThat(unknownPartition.status()).isEqualTo(404);
        assertThat(unknownPartition.json().get("error_code").asInt()).isEqualTo(HttpApiException.PARTITION_NOT_FOUND);

        HttpTestClient.Response badReset = http.get(GROUPS + "errs-app/topics/errs/partitions/0/records"
                + "?auto_offset_reset=smallest");
        assertThat(badReset.status()).isEqualTo(400);
        assertThat(badReset.json().get("message").asText()).contains("auto_offset_reset");
        assertThat(http.get(GROUPS + "errs-app/topics/errs/partitions/9/records").status()).isEqualTo(404);
        assertThat(http.get("/v3/clusters/other/consumer-groups").status()).isEqualTo(404);
    }

    private HttpTestClient.Response commit(String group, String topic, int partition, long offset) {
        return http.postJson(GROUPS + group + "/offsets", "{\"offsets\": [{\"topic_name\": \"" + topic
                + "\", \"partition_id\": " + partition + ", \"offset\": " + offset + "}]}");
    }

    private void produce(String topic, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "v-" + i));
                if (i % 7 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
        }
    }
}
