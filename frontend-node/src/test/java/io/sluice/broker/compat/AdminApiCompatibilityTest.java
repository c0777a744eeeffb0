package io.sluice.broker.compat;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka's {@code Admin} client against Sluice: topics, partitions and configs, with Kafka's errors. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiCompatibilityTest {
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private Admin admin;

    @BeforeAll
    void start(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir);
        admin = broker.admin();
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createDescribeAddPartitionsAndDelete() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-t1", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        TopicDescription described = describe("admin-t1");
        assertThat(described.partitions()).hasSize(3);
        assertThat(described.topicId()).isNotNull();
        described.partitions().forEach(p -> {
            assertThat(p.leader().id()).isEqualTo(1);
            assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(1);
            assertThat(p.isr()).extracting(n -> n.id()).containsExactly(1);
        });
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("admin-t1");

        admin.createPartitions(Map.of("admin-t1", NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
        assertThat(describe("admin-t1").partitions()).hasSize(5);

        assertThatThrownBy(() -> admin.createPartitions(Map.of("admin-t1", NewPartitions.increaseTo(2)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidPartitionsException.class);

        admin.deleteTopics(List.of("admin-t1")).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("admin-t1");
        assertThatThrownBy(() -> describe("admin-t1")).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void creatingAnExistingTopicFailsWithTopicExists() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicExistsException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/name", "star*", "quote\"d"})
    void illegalTopicNamesAreRejected(String name) {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void overlongTopicNameIsRejected() {
        String name = "a".repeat(250);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidTopicException.class);
        String longest = "b".repeat(249);
        assertThat(admin.createTopics(List.of(new NewTopic(longest, 1, (short) 1))).all())
                .succeedsWithin(java.time.Duration.ofSeconds(30));
    }

    @Test
    void replicationFactorAboveLiveBrokersIsRejected() {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-rf3", 1, (short) 3)))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-validate", 2, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("admin-validate");
    }

    @Test
    void topicConfigsAreDescribedAndAltered() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-configs", 1, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-configs");
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes").value()).isEqualTo("1073741824");
        assertThat(config.get("segment.bytes").isDefault()).isTrue();
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");

        Map<ConfigResource, Collection<AlterConfigOp>> ops = Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("segment.bytes", "1048576"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE)));
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        Config altered = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        assertThat(altered.get("segment.bytes").value()).isEqualTo("1048576");
        assertThat(altered.get("retention.ms").value()).isEqualTo("604800000");

        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void describeClusterShowsThisBroker() throws Exception {
        var cluster = admin.describeCluster();
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).extracting(n -> n.id()).containsExactly(1);
        assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS)).hasSize(22);
        assertThat(cluster.controller().get(30, TimeUnit.SECONDS).id()).isEqualTo(1);
    }

    private TopicDescription describe(String topic) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        return admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }
}
