package io.sluice.metadata.etcd;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.TopicConfigDefs;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicStoreTest {

    private static final List<BrokerRegistration> BROKERS = IntStream.rangeClosed(1, 3)
        .mapToObj(id -> BrokerRegistration.of(id, "broker" + id, 9092, 0)).toList();

    private MetadataStore store;
    private MetadataStore other;

    @BeforeAll
    void connect(EtcdTestEnv env) {
        MetadataStoreConfig config = env.storeConfig().brokerDefaults(Map.of("num.partitions", "2")).build();
        store = MetadataStore.connect(config);
        other = MetadataStore.connect(config);
        join(store.cache().ready());
    }

    @AfterAll
    void close() {
        store.close();
        other.close();
    }

    @Test
    void createDescribeAndDeleteThroughStoreAndCache() {
        NewTopicRequest request = NewTopicRequest.of("orders", 3, 2).withConfigs(Map.of("retention.ms", "1000"));

        TopicMetadata created = join(store.createTopic(request, BROKERS));

        assertThat(created.name()).isEqualTo("orders");
        assertThat(created.partitionCount()).isEqualTo(3);
        assertThat(created.replicationFactor()).isEqualTo((short) 2);
        assertThat(created.configOverrides()).containsExactly(Map.entry("retention.ms", "1000"));
        assertThat(created.partitions().values()).allSatisfy(p -> {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.isr()).isEqualTo(p.replicas());
            assertThat(p.partitionEpoch()).isZero();
        });
        assertThat(store.cache().image().topic("orders")).as("visible in the own cache on completion")
            .contains(created);
        assertThat(store.cache().image().topic(created.topicId())).contains(created);
        assertThat(join(store.describeTopic("orders"))).contains(created);
        assertThat(join(other.cache().awaitLatest(Duration.ofSeconds(5))).topic("orders")).contains(created);

        join(store.deleteTopic("orders"));

        assertThat(store.cache().image().topic("orders")).isEmpty();
        assertThat(store.cache().image().topic(created.topicId())).isEmpty();
        assertThat(join(store.describeTopic("orders"))).isEmpty();
        assertFails(store.deleteTopic("orders")).isInstanceOf(UnknownTopicOrPartitionException.class);

        TopicMetadata recreated = join(store.createTopic(NewTopicRequest.of("orders", 1, 1), BROKERS));
        assertThat(recreated.topicId()).as("a new incarnation gets a new topic ID").isNotEqualTo(created.topicId());
    }

    @Test
    void racingCreatorsGiveExactlyOneWinner() {
        for (int i = 0; i < 5; i++) {
            String name = "race-" + i;
            CompletableFuture<TopicMetadata> a = store.createTopic(NewTopicRequest.of(name, 2, 1), BROKERS);
            CompletableFuture<TopicMetadata> b = other.createTopic(NewTopicRequest.of(name, 4, 1), BROKERS);
            List<CompletableFuture<TopicMetadata>> both = List.of(a, b);
            CompletableFuture.allOf(a, b).exceptionally(e -> null).join();

            assertThat(both.stream().filter(f -> !f.isCompletedExceptionally())).hasSize(1);
            CompletableFuture<TopicMetadata> loser = both.stream().filter(CompletableFuture::isCompletedExceptionally)
                .findFirst().orElseThrow();
            assertFails(loser).isInstanceOf(TopicExistsException.class)
                .hasMessage("Topic '" + name + "' already exists.");
            TopicMetadata winner = join(both.stream().filter(f -> !f.isCompletedExceptionally()).findFirst()
                .orElseThrow());
            assertThat(join(other.cache().awaitLatest(Duration.ofSeconds(5))).topic(name)).contains(winner);
            assertThat(join(store.cache().awaitLatest(Duration.ofSeconds(5))).topic(name)).contains(winner);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/y", "quote'", "ünï"})
    void invalidNamesAreRejected(String name) {
        assertFails(store.createTopic(NewTopicRequest.of(name, 1, 1), BROKERS))
            .isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void tooLongNameIsRejectedAndTheLongestValidOneAccepted() {
        assertFails(store.createTopic(NewTopicRequest.of("x".repeat(250), 1, 1), BROKERS))
            .isInstanceOf(InvalidTopicException.class).hasMessageContaining("249");
        assertThat(join(store.createTopic(NewTopicRequest.of("y".repeat(249), 1, 1), BROKERS)).name()).hasSize(249);
    }

    @Test
    void namesThatCollideOnDotAndUnderscoreAreRejected() {
        join(store.createTopic(NewTopicRequest.of("metrics.cpu", 1, 1), BROKERS));

        assertFails(other.createTopic(NewTopicRequest.of("metrics_cpu", 1, 1), BROKERS))
            .isInstanceOf(InvalidTopicException.class)
            .hasMessage("Topic 'metrics_cpu' collides with existing topic: metrics.cpu");
        assertFails(other.deleteTopic("metrics_cpu")).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void invalidConfigsAreRejectedWithoutWriting() {
        assertFails(store.createTopic(NewTopicRequest.of("cfg-bad-name", 1, 1).withConfigs(Map.of("retention", "1")),
            BROKERS))
            .isInstanceOf(InvalidConfigurationException.class).hasMessage("Unknown topic config name: retention");
        assertFails(store.createTopic(NewTopicRequest.of("cfg-bad-value", 1, 1)
            .withConfigs(Map.of("segment.bytes", "tiny")), BROKERS))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("Invalid value tiny for configuration segment.bytes");

        assertThat(join(store.describeTopic("cfg-bad-name"))).isEmpty();
        assertThat(join(store.describeTopic("cfg-bad-value"))).isEmpty();
    }

    @Test
    void countsAreValidatedAndDefaultsComeFromTheBroker() {
        assertFails(store.createTopic(NewTopicRequest.of("rf-too-big", 1, 4), BROKERS))
            .isInstanceOf(InvalidReplicationFactorException.class);
        assertFails(store.createTopic(NewTopicRequest.of("zero-partitions", 0, 1), BROKERS))
            .isInstanceOf(InvalidPartitionsException.class);
        assertFails(store.createTopic(NewTopicRequest.of("zero-rf", 1, 0), BROKERS))
            .isInstanceOf(InvalidReplicationFactorException.class);

        TopicMetadata defaults = join(store.createTopic(NewTopicRequest.of("defaults", -1, -1), BROKERS));
        assertThat(defaults.partitionCount()).as("num.partitions=2").isEqualTo(2);
        assertThat(defaults.replicationFactor()).as("default.replication.factor unset: 1").isEqualTo((short) 1);
    }

    @Test
    void explicitAssignmentsAreUsedAsGiven() {
        TreeMap<Integer, List<Integer>> assignment = new TreeMap<>(Map.of(0, List.of(3, 1), 1, List.of(1, 2)));

        TopicMetadata topic = join(store.createTopic(NewTopicRequest.withAssignments("manual", assignment), BROKERS));

        assertThat(topic.partition(0)).contains(PartitionState.initial(List.of(3, 1)));
        assertThat(topic.partition(1)).contains(PartitionState.initial(List.of(1, 2)));
        assertThat(topic.replicationFactor()).isEqualTo((short) 2);
        assertFails(store.createTopic(new NewTopicRequest("manual-and-count", 2, (short) -1, assignment, Map.of()),
            BROKERS)).isInstanceOf(InvalidRequestException.class);
        assertFails(store.createTopic(NewTopicRequest.withAssignments("manual-gap",
            Map.of(0, List.of(1), 2, List.of(2))), BROKERS)).isInstanceOf(InvalidReplicaAssignmentException.class);
        assertFails(store.createTopic(NewTopicRequest.withAssignments("manual-dead", Map.of(0, List.of(9))), BROKERS))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void validateOnlyChecksEverythingButWritesNothing() {
        TopicMetadata planned = join(store.validateCreateTopic(NewTopicRequest.of("planned", 3, 3), BROKERS));

        assertThat(planned.partitionCount()).isEqualTo(3);
        assertThat(join(store.describeTopic("planned"))).isEmpty();
        join(store.createTopic(NewTopicRequest.of("planned", 1, 1), BROKERS));
        assertFails(store.validateCreateTopic(NewTopicRequest.of("planned", 3, 3), BROKERS))
            .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void partitionsCanOnlyIncrease() {
        TopicMetadata topic = join(store.createTopic(NewTopicRequest.of("growing", 3, 2), BROKERS));

        assertFails(store.createPartitions("growing", 2, BROKERS)).isInstanceOf(InvalidPartitionsException.class)
            .hasMessage("The topic growing currently has 3 partition(s); 2 would not be an increase.");
        assertFails(store.createPartitions("growing", 3, BROKERS)).isInstanceOf(InvalidPartitionsException.class)
            .hasMessage("Topic already has 3 partition(s).");
        assertFails(store.createPartitions("no-such-topic", 5, BROKERS))
            .isInstanceOf(UnknownTopicOrPartitionException.class);

        TopicMetadata grown = join(store.createPartitions("growing", 5, BROKERS));

        assertThat(grown.topicId()).isEqualTo(topic.topicId());
        assertThat(grown.partitionCount()).isEqualTo(5);
        assertThat(grown.partitions().headMap(3)).isEqualTo(topic.partitions());
        assertThat(grown.partitions().tailMap(3).values()).allSatisfy(p -> {
            assertThat(p.replicas()).hasSize(2);
            assertThat(p).isEqualTo(PartitionState.initial(p.replicas()));
        });
        assertThat(store.cache().image().topic("growing")).contains(grown);

        TopicMetadata manual = join(store.createPartitions("growing", 6, List.of(List.of(3, 2)), BROKERS));
        assertThat(manual.partition(5)).contains(PartitionState.initial(List.of(3, 2)));
        assertFails(store.createPartitions("growing", 8, List.of(List.of(1, 2)), BROKERS))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertFails(store.createPartitions("growing", 7, List.of(List.of(1)), BROKERS))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void configsAreAlteredAndDefaultsResolvedByReaders() {
        join(store.createTopic(NewTopicRequest.of("tuned", 1, 1).withConfigs(Map.of("retention.ms", "1000")),
            BROKERS));

        TopicMetadata altered = join(store.alterTopicConfigs("tuned",
            Map.of("retention.ms", Optional.empty(), "segment.bytes", Optional.of("4096"))));

        assertThat(altered.configOverrides()).containsExactly(Map.entry("segment.bytes", "4096"));
        var effective = TopicConfigDefs.resolve(altered.configOverrides(), Map.of("log.retention.hours", "2"));
        assertThat(effective.segmentBytes()).isEqualTo(4096);
        assertThat(effective.retentionMs()).isEqualTo(2 * 3_600_000L);
        assertThat(store.cache().image().topic("tuned").orElseThrow().configOverrides())
            .isEqualTo(altered.configOverrides());

        assertFails(store.alterTopicConfigs("tuned", Map.of("segment.bytes", Optional.of("-1"))))
            .isInstanceOf(InvalidConfigurationException.class);
        assertFails(store.alterTopicConfigs("tuned", Map.of("nope", Optional.of("1"))))
            .isInstanceOf(InvalidConfigurationException.class);
        assertFails(store.alterTopicConfigs("missing", Map.of("retention.ms", Optional.of("1"))))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(join(store.describeTopic("tuned")).orElseThrow().configOverrides())
            .containsExactly(Map.entry("segment.bytes", "4096"));
    }

    @Test
    void concurrentConfigChangesFromTwoStoresAreBothApplied() {
        join(store.createTopic(NewTopicRequest.of("contended", 1, 1), BROKERS));
        List<CompletableFuture<TopicMetadata>> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(store.alterTopicConfigs("contended", Map.of("retention.ms", Optional.of("10" + i))));
            writes.add(other.alterTopicConfigs("contended", Map.of("segment.ms", Optional.of("20" + i))));
        }
        writes.forEach(f -> join(f));

        Map<String, String> overrides = join(store.describeTopic("contended")).orElseThrow().configOverrides();
        assertThat(overrides).containsOnlyKeys("retention.ms", "segment.ms");
    }
}
