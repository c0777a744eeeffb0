package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic, partition, config, cluster and broker resources over HTTP, checked against Kafka's Admin client. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTopicAdminTest {
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private HttpTestClient http;
    private String clusterId;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir, Map.of("num.partitions", "2"));
        http = new HttpTestClient(broker.httpUrl());
        clusterId = http.get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void clusterIsListedAndReachableByIdAndByLocalAlias() {
        HttpTestClient.Response list = http.get("/v3/clusters");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("kind").asText()).isEqualTo("KafkaClusterList");
        assertThat(clusterId).hasSize(22);

        JsonNode byId = http.get("/v3/clusters/" + clusterId).json();
        JsonNode byAlias = http.get("/v3/clusters/local").json();
        assertThat(byId).isEqualTo(byAlias);
        assertThat(byId.get("kind").asText()).isEqualTo("KafkaCluster");
        assertThat(byId.get("cluster_id").asText()).isEqualTo(clusterId);
        assertThat(byId.at("/metadata/self").asText()).isEqualTo(broker.httpUrl() + "/v3/clusters/" + clusterId);
        assertThat(byId.at("/controller/related").asText()).endsWith("/brokers/1");
        assertThat(byId.at("/topics/related").asText()).endsWith("/v3/clusters/" + clusterId + "/topics");

        HttpTestClient.Response other = http.get("/v3/clusters/not-this-cluster/topics");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void brokersAreListedWithTheirListeners() {
        JsonNode brokers = http.get("/v3/clusters/local/brokers").json();
        assertThat(brokers.get("kind").asText()).isEqualTo("KafkaBrokerList");
        assertThat(brokers.get("data")).hasSize(1);
        JsonNode one = http.get("/v3/clusters/local/brokers/1").json();
        assertThat(one.get("broker_id").asInt()).isEqualTo(1);
        assertThat(one.get("port").asInt()).isEqualTo(broker.kafkaAddress().getPort());
        assertThat(one.get("http_port").asInt()).isEqualTo(broker.broker().httpPort());
        assertThat(http.get("/v3/clusters/local/brokers/7").status()).isEqualTo(404);
    }

    @Test
    void topicIsCreatedListedDescribedAndDeleted() throws Exception {
        HttpTestClient.Response created = http.postJson("/v3/clusters/local/topics", """
                {"topic_name": "http-orders", "partitions_count": 3, "replication_factor": 1,
                 "configs": [{"name": "retention.ms", "value": "3600000"}, {"name": "cleanup.policy", "value": "delete"}]}
                """);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode topic = created.json();
        assertThat(topic.get("kind").asText()).isEqualTo("KafkaTopic");
        assertThat(topic.get("cluster_id").asText()).isEqualTo(clusterId);
        assertThat(topic.get("topic_name").asText()).isEqualTo("http-orders");
        assertThat(topic.get("partitions_count").asInt()).isEqualTo(3);
        assertThat(topic.get("replication_factor").asInt()).isEqualTo(1);
        assertThat(topic.get("is_internal").asBoolean()).isFalse();

        try (Admin admin = broker.admin()) {
            TopicDescription description = admin.describeTopics(List.of("http-orders")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("http-orders");
            assertThat(description.partitions()).hasSize(3);
            assertThat(description.topicId().toString()).isEqualTo(topic.get("topic_id").asText());
        }

        JsonNode list = http.get("/v3/clusters/local/topics").json();
        assertThat(list.get("kind").asText()).isEqualTo("KafkaTopicList");
        assertThat(list.get("data").findValuesAsText("topic_name")).contains("http-orders");
        assertThat(list.get("data").get(0).has("partition_details")).isFalse();

        JsonNode described = http.get("/v3/clusters/local/topics/http-orders").json();
        JsonNode partitions = described.get("partition_details");
        assertThat(partitions).hasSize(3);
        for (int p = 0; p < 3; p++) {
            JsonNode partition = partitions.get(p);
            assertThat(partition.get("partition_id").asInt()).isEqualTo(p);
            assertThat(partition.get("leader_id").asInt()).isEqualTo(1);
            assertThat(partition.get("replica_ids")).containsExactly(IntNode.valueOf(1));
            assertThat(partition.get("isr_ids")).containsExactly(IntNode.valueOf(1));
            assertThat(partition.get("log_start_offset").asLong()).isZero();
            assertThat(partition.get("high_watermark").asLong()).isZero();
            assertThat(partition.get("log_end_offset").asLong()).isZero();
            assertThat(partition.at("/leader/related").asText()).endsWith("/partitions/" + p + "/replicas/1");
        }

        HttpTestClient.Response deleted = http.delete("/v3/clusters/local/topics/http-orders");
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertThat(http.get("/v3/clusters/local/topics/http-orders").status()).isEqualTo(404);
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("http-orders");
        }
    }

    @Test
    void omittedCountsUseTheBrokerDefaults() {
        HttpTestClient.Response created = http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"http-defaults\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("partitions_count").asInt()).isEqualTo(2);
        assertThat(created.json().get("replication_factor").asInt()).isEqualTo(1);
    }

    @Test
    void validateOnlyCreatesNothing() {
        HttpTestClient.Response validated = http.postJson("/v3/clusters/local/topics",
                "{\"topic_name\": \"http-validate\", \"partitions_count\": 4, \"validate_only\": true}");
        assertThat(validated.status()).as(validated.text()).isEqualTo(200);
        assertThat(http.get("/v3/clusters/local/topics/http-validate").status()).isEqualTo(404);
    }

    @Test
    void creatingAnExistingTopicIsAConflict() {
        assertThat(http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"http-twice\"}").status()).isEqualTo(201);
        HttpTestClient.Response again = http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"http-twice\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error_code").asInt()).isEqualTo(40901);
        assertThat(again.json().get("kafka_error").asText()).isEqualTo("TOPIC_ALREADY_EXISTS");
        assertThat(again.json().get("kafka_error_code").asInt()).isEqualTo(36);
    }

    @Test
    void invalidTopicRequestsAreRejectedWithKafkasError() {
        HttpTestClient.Response badName = http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"bad/name\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("kafka_error").asText()).isEqualTo("INVALID_TOPIC_EXCEPTION");

        HttpTestClient.Response badReplication = http.postJson("/v3/clusters/local/topics",
                "{\"topic_name\": \"http-rf3\", \"replication_factor\": 3}");
        assertThat(badReplication.status()).isEqualTo(400);
        assertThat(badReplication.json().get("kafka_error").asText()).isEqualTo("INVALID_REPLICATION_FACTOR");

        HttpTestClient.Response badConfig = http.postJson("/v3/clusters/local/topics",
                "{\"topic_name\": \"http-badconfig\", \"configs\": [{\"name\": \"retention.ms\", \"value\": \"soon\"}]}");
        assertThat(badConfig.status()).isEqualTo(400);
        assertThat(badConfig.json().get("kafka_error").asText()).isEqualTo("INVALID_CONFIG");

        HttpTestClient.Response missingName = http.postJson("/v3/clusters/local/topics", "{\"partitions_count\": 1}");
        assertThat(missingName.status()).isEqualTo(400);
        assertThat(missingName.json().get("error_code").asInt()).isEqualTo(40001);
        assertThat(missingName.json().get("message").asText()).contains("topic_name");

        HttpTestClient.Response typo = http.postJson("/v3/clusters/local/topics",
                "{\"topic_name\": \"http-typo\", \"partition_count\": 1}");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().get("message").asText()).contains("partition_count");
    }

    @Test
    void partitionsAndReplicasAreSubResources() {
        http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"http-parts\", \"partitions_count\": 2}");
        JsonNode partitions = http.get("/v3/clusters/local/topics/http-parts/partitions").json();
        assertThat(partitions.get("kind").asText()).isEqualTo("KafkaPartitionList");
        assertThat(partitions.get("data").findValuesAsText("partition_id")).containsExactly("0", "1");

        JsonNode one = http.get("/v3/clusters/local/topics/http-parts/partitions/1").json();
        assertThat(one.get("kind").asText()).isEqualTo("KafkaPartition");
        assertThat(one.get("topic_name").asText()).isEqualTo("http-parts");
        assertThat(one.get("high_watermark").asLong()).isZero();

        JsonNode replicas = http.get("/v3/clusters/local/topics/http-parts/partitions/1/replicas").json();
        assertThat(replicas.get("data")).hasSize(1);
        JsonNode replica = replicas.get("data").get(0);
        assertThat(replica.get("broker_id").asInt()).isEqualTo(1);
        assertThat(replica.get("is_leader").asBoolean()).isTrue();
        assertThat(replica.get("is_in_sync").asBoolean()).isTrue();

        HttpTestClient.Response missing = http.get("/v3/clusters/local/topics/http-parts/partitions/2");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error_code").asInt()).isEqualTo(40402);
        assertThat(http.get("/v3/clusters/local/topics/http-parts/partitions/x").status()).isEqualTo(400);
    }

    @Test
    void partitionCountGrowsButNeverShrinks() {
        http.postJson("/v3/clusters/local/topics", "{\"topic_name\": \"http-grow\", \"partitions_count\": 1}");
        HttpTestClient.Response grown = http.patchJson("/v3/clusters/local/topics/http-grow", "{\"partitions_count\": 3}");
        assertThat(grown.status()).as(grown.text()).isEqualTo(200);
        assertThat(grown.json().get("partitions_count").asInt()).isEqualTo(3);
        HttpTestClient.Response shrunk = http.patchJson("/v3/clusters/local/topics/http-grow", "{\"partitions_count\": 2}");
        assertThat(shrunk.status()).isEqualTo(400);
        assertThat(shrunk.json().get("kafka_error").asText()).isEqualTo("INVALID_PARTITIONS");
    }

    @Test
    void configsShowOverridesAndDefaultsAndCanBeChanged() {
        http.postJson("/v3/clusters/local/topics", """
                {"topic_name": "http-configs", "configs": [{"name": "retention.ms", "value": "60000"}]}""");
        JsonNode configs = http.get("/v3/clusters/local/topics/http-configs/configs").json();
        assertThat(configs.get("kind").asText()).isEqualTo("KafkaTopicConfigList");
        JsonNode retention = find(configs.get("data"), "retention.ms");
        assertThat(retention.get("value").asText()).isEqualTo("60000");
        assertThat(retention.get("is_default").asBoolean()).isFalse();
        assertThat(retention.get("source").asText()).isEqualTo("DYNAMIC_TOPIC_CONFIG");
        JsonNode segment = find(configs.get("data"), "segment.bytes");
        assertThat(segment.get("is_default").asBoolean()).isTrue();
        assertThat(segment.get("source").asText()).isEqualTo("DEFAULT_CONFIG");

        HttpTestClient.Response set = http.putJson("/v3/clusters/local/topics/http-configs/configs/segment.bytes",
                "{\"value\": \"1048576\"}");
        assertThat(set.status()).as(set.text()).isEqualTo(204);
        JsonNode changed = http.get("/v3/clusters/local/topics/http-configs/configs/segment.bytes").json();
        assertThat(changed.get("value").asText()).isEqualTo("1048576");
        assertThat(changed.get("is_default").asBoolean()).isFalse();

        assertThat(http.delete("/v3/clusters/local/topics/http-configs/configs/retention.ms").status()).isEqualTo(204);
        JsonNode reset = http.get("/v3/clusters/local/topics/http-configs/configs/retention.ms").json();
        assertThat(reset.get("is_default").asBoolean()).isTrue();
        assertThat(reset.get("value").asText()).isEqualTo("604800000");

        HttpTestClient.Response unknown = http.putJson("/v3/clusters/local/topics/http-configs/configs/no.such.config",
                "{\"value\": \"1\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("kafka_error").asText()).isEqualTo("INVALID_CONFIG");
        assertThat(http.get("/v3/clusters/local/topics/http-configs/configs/no.such.config").status()).isEqualTo(404);
    }

    @Test
    void unknownTopicsAreNotFound() {
        for (String path : Set.of("/v3/clusters/local/topics/nope", "/v3/clusters/local/topics/nope/partitions",
                "/v3/clusters/local/topics/nope/configs", "/v3/clusters/local/topics/nope/partitions/0/records")) {
            HttpTestClient.Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.json().get("error_code").asInt()).as(path).isEqualTo(40401);
            assertThat(response.json().get("kafka_error").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");
            assertThat(response.json().get("kafka_error_code").asInt()).isEqualTo(3);
        }
        HttpTestClient.Response delete = http.delete("/v3/clusters/local/topics/nope");
        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.json().get("kafka_error").asText()).isEqualTo("UNKNOWN_TOPIC_OR_PARTITION");
    }

    private static JsonNode find(JsonNode configs, String name) {
        for (JsonNode config : configs) {
            if (config.get("name").asText().equals(name)) {
                return config;
            }
        }
        throw new AssertionError("no config " + name + " in " + configs);
    }
}
