package io.sluice.metadata.etcd;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionStateCasTest {

    private static final List<BrokerRegistration> BROKERS = List.of(BrokerRegistration.of(1, "a", 9092, 0),
        BrokerRegistration.of(2, "b", 9092, 0), BrokerRegistration.of(3, "c", 9092, 0));

    private MetadataStore store;
    private MetadataStore other;

    @BeforeAll
    void connect(EtcdTestEnv env) {
        store = MetadataStore.connect(env.storeConfig().build());
        other = MetadataStore.connect(env.storeConfig().build());
    }

    @AfterAll
    void close() {
        store.close();
        other.close();
    }

    private TopicMetadata topic(String name) {
        return join(store.createTopic(NewTopicRequest.withAssignments(name, Map.of(0, List.of(1, 2, 3),
            1, List.of(2, 3, 1))), BROKERS));
    }

    @Test
    void leaderElectionAndIsrShrinkAreCompareAndSwapped() {
        TopicMetadata topic = topic("cas");
        PartitionState initial = topic.partition(0).orElseThrow();
        PartitionState newLeader = new PartitionState(2, 1, List.of(1, 2, 3), List.of(2, 3), 1);

        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, initial, newLeader))).isTrue();

        assertThat(store.cache().image().partition(topic.topicId(), 0)).contains(newLeader);
        assertThat(store.cache().image().partition(topic.topicId(), 1)).as("other partitions untouched")
            .isEqualTo(topic.partition(1));
        assertThat(join(other.describeTopic("cas")).orElseThrow().partition(0)).contains(newLeader);

        PartitionState shrunk = new PartitionState(2, 1, List.of(1, 2, 3), List.of(2), 2);
        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, initial, shrunk)))
            .as("stale expected state").isFalse();
        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, newLeader, shrunk))).isTrue();
        assertThat(join(other.cache().awaitLatest(Duration.ofSeconds(5))).partition(topic.topicId(), 0))
            .contains(shrunk);
    }

    @Test
    void ofTwoConcurrentWritersWithTheSameExpectationExactlyOneWins() {
        TopicMetadata topic = topic("cas-race");
        PartitionState initial = topic.partition(1).orElseThrow();
        PartitionState byStore = new PartitionState(3, 1, initial.replicas(), List.of(3, 1), 1);
        PartitionState byOther = new PartitionState(1, 1, initial.replicas(), List.of(1), 1);

        CompletableFuture<Boolean> a = store.compareAndSetPartitionState(topic.topicId(), 1, initial, byStore);
        CompletableFuture<Boolean> b = other.compareAndSetPartitionState(topic.topicId(), 1, initial, byOther);

        assertThat(List.of(join(a), join(b))).containsExactlyInAnyOrder(true, false);
        PartitionState winner = join(a) ? byStore : byOther;
        assertThat(join(store.cache().awaitLatest(Duration.ofSeconds(5))).partition(topic.topicId(), 1))
            .contains(winner);
    }

    @Test
    void epochsMustMoveForward() {
        TopicMetadata topic = topic("cas-epochs");
        PartitionState initial = topic.partition(0).orElseThrow();

        assertFails(store.compareAndSetPartitionState(topic.topicId(), 0, initial, initial))
            .isInstanceOf(InvalidUpdateVersionException.class);
        PartitionState bumped = new PartitionState(1, 3, initial.replicas(), initial.isr(), 1);
        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, initial, bumped))).isTrue();
        assertFails(store.compareAndSetPartitionState(topic.topicId(), 0, bumped,
            new PartitionState(1, 2, initial.replicas(), initial.isr(), 2)))
            .isInstanceOf(InvalidUpdateVersionException.class);
    }

    @Test
    void unknownTopicsAndPartitionsAreReported() {
        TopicMetadata topic = topic("cas-unknown");
        PartitionState initial = topic.partition(0).orElseThrow();
        PartitionState next = new PartitionState(1, 1, initial.replicas(), initial.isr(), 1);

        assertFails(store.compareAndSetPartitionState(Uuid.randomUuid(), 0, initial, next))
            .isInstanceOf(UnknownTopicIdException.class);
        assertFails(store.compareAndSetPartitionState(topic.topicId(), 2, initial, next))
            .isInstanceOf(UnknownTopicOrPartitionException.class);

        join(store.deleteTopic("cas-unknown"));
        assertFails(store.compareAndSetPartitionState(topic.topicId(), 0, initial, next))
            .isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void deletingATopicDropsItsPartitionStates() {
        TopicMetadata topic = topic("cas-recreate");
        PartitionState initial = topic.partition(0).orElseThrow();
        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, initial,
            new PartitionState(2, 1, initial.replicas(), List.of(2), 1)))).isTrue();

        join(store.deleteTopic("cas-recreate"));
        TopicMetadata again = topic("cas-recreate");

        assertThat(again.partition(0)).contains(initial);
        assertThat(join(store.describeTopic("cas-recreate")).orElseThrow().partition(0)).contains(initial);
    }
}
