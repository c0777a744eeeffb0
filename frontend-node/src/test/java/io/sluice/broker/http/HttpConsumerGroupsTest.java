package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.broker.coordinator.lag.AdminLag;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer groups over HTTP (Confluent REST Proxy v3 shapes) for a group with a real KafkaConsumer member: list,
 * describe with members, consumers, lag per partition and lag summary, the lag being what the Admin client computes
 * (log end offset minus committed offset).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpConsumerGroupsTest {
    private static final String GROUPS = "/v3/clusters/local/consumer-groups";
    private static final TopicPartition P0 = new TopicPartition("lagged", 0);
    private static final TopicPartition P1 = new TopicPartition("lagged", 1);
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
    void aGroupWithAMemberIsListedDescribedAndItsLagIsLogEndOffsetMinusCommittedOffset() throws Exception {
        broker.createTopic("lagged", 2, Map.of());
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("lagged", 0, null, "a-" + i));
            }
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("lagged", 1, null, "b-" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> member = broker.stringConsumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "lag-app", ConsumerConfig.CLIENT_ID_CONFIG, "lag-client",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            member.subscribe(List.of("lagged"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return member.assignment().size() == 2;
            });
            member.commitSync(Map.of(P0, new OffsetAndMetadata(3), P1, new OffsetAndMetadata(4)));
            String memberId = member.groupMetadata().memberId();

            JsonNode list = http.get(GROUPS).json();
            assertThat(list.get("kind").asText()).isEqualTo("KafkaConsumerGroupList");
            JsonNode listed = find(list.get("data"), "consumer_group_id", "lag-app");
            assertThat(listed.get("kind").asText()).isEqualTo("KafkaConsumerGroup");
            assertThat(listed.get("state").asText()).isEqualTo("STABLE");
            assertThat(listed.has("consumer_details")).as("lists leave the members out").isFalse();

            HttpTestClient.Response described = http.get(GROUPS + "/lag-app");
            assertThat(described.status()).as(described.text()).isEqualTo(200);
            JsonNode group = described.json();
            assertThat(group.get("state").asText()).isEqualTo("STABLE");
            assertThat(group.get("type").asText()).isEqualTo("CLASSIC");
            assertThat(group.get("is_simple").asBoolean()).isFalse();
            assertThat(group.get("partition_assignor").asText()).isEqualTo("range");
            assertThat(group.get("coordinator_id").asInt()).isEqualTo(1);
            assertThat(group.at("/coordinator/related").asText()).endsWith("/brokers/1");
            assertThat(group.at("/lag_summary/related").asText()).endsWith("/consumer-groups/lag-app/lag-summary");
            assertThat(group.at("/metadata/resource_name").asText()).endsWith("/consumer-group=lag-app");
            assertThat(group.get("consumer_details")).hasSize(1);
            JsonNode consumer = group.at("/consumer_details/0");
            assertThat(consumer.get("consumer_id").asText()).isEqualTo(memberId);
            assertThat(consumer.get("client_id").asText()).isEqualTo("lag-client");
            assertThat(consumer.get("assigned_partitions").findValuesAsText("partition_id")).containsExactly("0", "1");

            JsonNode consumers = http.get(GROUPS + "/lag-app/consumers").json();
            assertThat(consumers.get("kind").asText()).isEqualTo("KafkaConsumerList");
            assertThat(consumers.get("data").findValuesAsText("consumer_id")).containsExactly(memberId);
            assertThat(http.get(GROUPS + "/lag-app/consumers/" + memberId).json().get("client_id").asText())
                    .isEqualTo("lag-client");
            HttpTestClient.Response noMember = http.get(GROUPS + "/lag-app/consumers/nobody");
            assertThat(noMember.status()).isEqualTo(404);
            assertThat(noMember.json().get("error_code").asInt()).isEqualTo(HttpApiException.CONSUMER_NOT_FOUND);

            Map<TopicPartition, Long> expected = AdminLag.lagByAdmin(admin, "lag-app");
            assertThat(expected).containsEntry(P0, 7L).containsEntry(P1, 0L);
            JsonNode lags = http.get(GROUPS + "/lag-app/lags").json();
            assertThat(lags.get("kind").asText()).isEqualTo("KafkaConsumerLagList");
            assertThat(lags.get("data")).hasSize(2);
            JsonNode first = lags.at("/data/0");
            assertThat(first.get("topic_name").asText()).isEqualTo("lagged");
            assertThat(first.get("partition_id").asInt()).isZero();
            assertThat(first.get("current_offset").asLong()).isEqualTo(3);
            assertThat(first.get("log_end_offset").asLong()).isEqualTo(10);
            assertThat(first.get("lag").asLong()).isEqualTo(expected.get(P0));
            assertThat(first.get("consumer_id").asText()).isEqualTo(memberId);
            assertThat(first.get("client_id").asText()).isEqualTo("lag-client");
            assertThat(lags.at("/data/1/lag").asLong()).isEqualTo(expected.get(P1));
            assertThat(lags.at("/data/1/log_end_offset").asLong()).isEqualTo(4);

            JsonNode one = http.get(GROUPS + "/lag-app/lags/lagged/partitions/0").json();
            assertThat(one.get("lag").asLong()).isEqualTo(7);
            assertThat(one.at("/metadata/self").asText()).endsWith("/consumer-groups/lag-app/lags/lagged/partitions/0");
            assertThat(http.get(GROUPS + "/lag-app/lags/lagged/partitions/5").status()).isEqualTo(404);

            JsonNode summary = http.get(GROUPS + "/lag-app/lag-summary").json();
            assertThat(summary.get("kind").asText()).isEqualTo("KafkaConsumerGroupLagSummary");
            assertThat(summary.get("max_lag").asLong()).isEqualTo(7);
            assertThat(summary.get("total_lag").asLong()).isEqualTo(7);
            assertThat(summary.get("max_lag_topic_name").asText()).isEqualTo("lagged");
            assertThat(summary.get("max_lag_partition_id").asInt()).isZero();
            assertThat(summary.get("max_lag_consumer_id").asText()).isEqualTo(memberId);
            assertThat(summary.get("max_lag_client_id").asText()).isEqualTo("lag-client");
            assertThat(summary.at("/max_lag_partition/related").asText()).endsWith("/topics/lagged/partitions/0");
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.get(GROUPS + "/lag-app").json().get("state").asText()).isEqualTo("EMPTY"));
        JsonNode afterLeave = http.get(GROUPS + "/lag-app/lags").json();
        assertThat(afterLeave.get("data").findValuesAsText("consumer_id")).containsOnly("");
        assertThat(afterLeave.at("/data/0/lag").asLong()).isEqualTo(7);
        JsonNode emptyGroup = http.get(GROUPS + "/lag-app").json();
        assertThat(emptyGroup.get("consumer_details")).isEmpty();
    }

    @Test
    void aGroupWithOnlyCommittedOffsetsIsASimpleEmptyGroup() throws Exception {
        broker.createTopic("simple", 1, Map.of());
        admin.alterConsumerGroupOffsets("simple-app", Map.of(new TopicPartition("simple", 0),
                new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        JsonNode group = http.get(GROUPS + "/simple-app").json();
        assertThat(group.get("state").asText()).isEqualTo("EMPTY");
        assertThat(group.get("is_simple").asBoolean()).isTrue();
        assertThat(http.get(GROUPS).json().get("data").findValuesAsText("consumer_group_id")).contains("simple-app");
        JsonNode summary = http.get(GROUPS + "/simple-app/lag-summary").json();
        assertThat(summary.get("max_lag").asLong()).isZero();
        assertThat(summary.get("max_lag_consumer_id").asText()).isEmpty();
        assertThat(summary.has("max_lag_consumer")).isFalse();
    }

    @Test
    void aGroupWithoutCommittedOffsetsHasNoLag() throws Exception {
        broker.createTopic("uncommitted", 1, Map.of());
        try (KafkaConsumer<String, String> member = broker.stringConsumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "uncommitted-app", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            member.subscribe(List.of("uncommitted"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            HttpTestClient.Response lags = http.get(GROUPS + "/uncommitted-app/lags");
            assertThat(lags.status()).as(lags.text()).isEqualTo(404);
            assertThat(lags.json().get("error_code").asInt()).isEqualTo(HttpApiException.NO_COMMITTED_OFFSET);
            JsonNode offsets = http.get(GROUPS + "/uncommitted-app/offsets").json();
            assertThat(offsets.get("offsets")).isEmpty();
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.path(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}
