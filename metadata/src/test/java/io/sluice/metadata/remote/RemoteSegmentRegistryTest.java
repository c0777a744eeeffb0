package io.sluice.metadata.remote;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

/** The remote segment registry against a real etcd. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteSegmentRegistryTest {

    private static final List<BrokerRegistration> BROKERS = List.of(BrokerRegistration.of(1, "a", 9092, 0),
        BrokerRegistration.of(2, "b", 9092, 0));
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private MetadataStore store;
    private MetadataStore other;
    private BrokerLease broker1;
    private BrokerLease broker2;

    @BeforeAll
    void connect(EtcdTestEnv env) {
        store = MetadataStore.connect(env.storeConfig().build());
        other = MetadataStore.connect(env.storeConfig().build());
        broker1 = join(store.registerBroker(BROKERS.get(0)));
        broker2 = join(other.registerBroker(BROKERS.get(1)));
    }

    @AfterAll
    void close() {
        broker1.close();
        broker2.close();
        store.close();
        other.close();
    }

    /** A topic with one partition led by broker 1 at leader epoch 0. */
    private TopicMetadata topic() {
        return join(store.createTopic(NewTopicRequest.withAssignments("remote-" + TOPICS.incrementAndGet(),
            Map.of(0, List.of(1, 2))), BROKERS));
    }

    private RemoteSegmentMetadata segment(TopicMetadata topic, long base, long last, int epoch, int broker) {
        return RemoteSegments.segment(topic.topicId(), topic.name(), 0, base, last, epoch, broker);
    }

    private CompletableFuture<RemoteSegmentMetadata> register(RemoteSegmentMetadata s, BrokerLease lease) {
        return store.registerRemoteSegment(s, s.leaderEpoch(), s.brokerId(), lease.brokerEpoch());
    }

    @Test
    void registeredSegmentsAreListedByBaseOffsetAndSummarized() {
        TopicMetadata topic = topic();
        RemoteSegmentMetadata first = segment(topic, 0, 99, 0, 1);
        RemoteSegmentMetadata second = segment(topic, 100, 149, 0, 1);
        RemoteSegmentMetadata third = segment(topic, 1000, 1099, 0, 1);

        assertThat(join(register(first, broker1))).isEqualTo(first);
        join(register(third, broker1));
        assertFails(register(second, broker1)).as("starts below the highest registered offset 1099")
            .isInstanceOf(RemoteSegmentOverlapException.class);

        assertThat(join(other.remoteSegments(topic.topicId(), 0))).containsExactly(first, third);
        assertThat(join(other.remoteLogState(topic.topicId(), 0))).isEqualTo(new RemoteLogState(1099, 2,
            first.sizeInBytes() + third.sizeInBytes()));
        assertThat(join(other.remoteSegments(topic.topicId(), 1))).isEmpty();
        assertThat(join(other.remoteLogState(Uuid.randomUuid(), 0))).isEqualTo(RemoteLogState.EMPTY);
    }

    @Test
    void aRetriedRegistrationIsIdempotentAndAnOverlappingOneIsRejected() {
        TopicMetadata topic = topic();
        RemoteSegmentMetadata s = segment(topic, 0, 99, 0, 1);
        join(register(s, broker1));

        assertThat(join(register(s, broker1))).as("same segment id again").isEqualTo(s);
        RemoteSegmentOverlapException sameBase = (RemoteSegmentOverlapException) assertFails(
            register(segment(topic, 0, 99, 0, 1), broker1)).isInstanceOf(RemoteSegmentOverlapException.class)
            .actual();
        assertThat(sameBase.highestOffset()).isEqualTo(99);
        assertFails(register(segment(topic, 50, 120, 0, 1), broker1)).isInstanceOf(RemoteSegmentOverlapException.class);
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).containsExactly(s);
        assertThat(join(store.remoteLogState(topic.topicId(), 0)).segmentCount()).isEqualTo(1);
    }

    @Test
    void aDeposedLeadersLateUploadIsFencedByTheLeaderEpoch() {
        TopicMetadata topic = topic();
        PartitionState initial = topic.partition(0).orElseThrow();
        join(register(segment(topic, 0, 9, 0, 1), broker1));
        // the controller moves leadership to broker 2 at leader epoch 1
        PartitionState moved = new PartitionState(2, 1, List.of(1, 2), List.of(1, 2), 1);
        assertThat(join(store.compareAndSetPartitionState(topic.topicId(), 0, initial, moved))).isTrue();

        assertFails(register(segment(topic, 10, 19, 0, 1), broker1)).as("old leader, old epoch")
            .isInstanceOf(FencedLeaderEpochException.class);
        assertFails(register(segment(topic, 10, 19, 2, 2), broker2)).as("epoch from the future")
            .isInstanceOf(UnknownLeaderEpochException.class);
        assertFails(register(segment(topic, 10, 19, 1, 1), broker1)).as("current epoch, but not the leader")
            .isInstanceOf(NotLeaderOrFollowerException.class);
        RemoteSegmentMetadata byNewLeader = segment(topic, 10, 19, 1, 2);
        assertThat(join(register(byNewLeader, broker2))).isEqualTo(byNewLeader);
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).extracting(RemoteSegmentMetadata::brokerId)
            .containsExactly(1, 2);
    }

    @Test
    void aBrokerWhoseRegistrationEndedCannotRegister(EtcdTestEnv env) {
        try (MetadataStore third = MetadataStore.connect(env.storeConfig().build())) {
            BrokerRegistration broker3 = BrokerRegistration.of(3, "c", 9092, 0);
            BrokerLease lease = join(third.registerBroker(broker3));
            TopicMetadata topic = join(store.createTopic(NewTopicRequest.withAssignments(
                "remote-" + TOPICS.incrementAndGet(), Map.of(0, List.of(3, 1))), List.of(broker3, BROKERS.get(0))));
            RemoteSegmentMetadata first = segment(topic, 0, 9, 0, 3);
            assertThat(join(third.registerRemoteSegment(first, 0, 3, lease.brokerEpoch()))).isEqualTo(first);

            lease.close();
            assertFails(third.registerRemoteSegment(segment(topic, 10, 19, 0, 3), 0, 3, lease.brokerEpoch()))
                .as("the registration is gone").isInstanceOf(StaleBrokerEpochException.class);
            BrokerLease again = join(third.registerBroker(broker3));
            assertFails(third.registerRemoteSegment(segment(topic, 10, 19, 0, 3), 0, 3, lease.brokerEpoch()))
                .as("registered again: a newer broker epoch").isInstanceOf(StaleBrokerEpochException.class);
            again.close();
            assertThat(join(store.remoteSegments(topic.topicId(), 0))).containsExactly(first);
        }
    }

    @Test
    void unknownTopicsPartitionsAndInconsistentRequestsAreRejected() {
        TopicMetadata topic = topic();
        RemoteSegmentMetadata unknownTopic = RemoteSegments.segment(Uuid.randomUuid(), "gone", 0, 0, 9, 0, 1);
        assertFails(register(unknownTopic, broker1)).isInstanceOf(UnknownTopicIdException.class);
        RemoteSegmentMetadata unknownPartition = RemoteSegments.segment(topic.topicId(), topic.name(), 5, 0, 9, 0, 1);
        assertFails(register(unknownPartition, broker1)).isInstanceOf(UnknownTopicOrPartitionException.class);
        RemoteSegmentMetadata s = segment(topic, 0, 9, 0, 1);
        assertFails(store.registerRemoteSegment(s, 1, 1, broker1.brokerEpoch()))
            .as("argument epoch differs from the segment's").isInstanceOf(InvalidRequestException.class);
        RemoteSegmentMetadata marked = s.withState(RemoteSegmentState.DELETE_STARTED);
        assertFails(register(marked, broker1)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void ofConcurrentOverlappingRegistrationsExactlyOneWins() {
        TopicMetadata topic = topic();
        List<CompletableFuture<RemoteSegmentMetadata>> attempts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            MetadataStore via = i % 2 == 0 ? store : other;
            RemoteSegmentMetadata s = segment(topic, 0, 99 + i, 0, 1);
            attempts.add(via.registerRemoteSegment(s, 0, 1, broker1.brokerEpoch()));
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long won = attempts.stream().filter(f -> !f.isCompletedExceptionally()).count();
        assertThat(won).isEqualTo(1);
        attempts.stream().filter(CompletableFuture::isCompletedExceptionally)
            .forEach(f -> assertFails(f).isInstanceOf(RemoteSegmentOverlapException.class));
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).hasSize(1);
    }

    @Test
    void deletionMarksThenRemovesAndNeverReopensTheRange() {
        TopicMetadata topic = topic();
        RemoteSegmentMetadata a = join(register(segment(topic, 0, 99, 0, 1), broker1));
        RemoteSegmentMetadata b = join(register(segment(topic, 100, 199, 0, 1), broker1));

        assertFails(store.removeRemoteSegments(topic.topicId(), 0, List.of(a))).as("still COPY_FINISHED")
            .isInstanceOf(InvalidRequestException.class);
        assertFails(other.startRemoteSegmentDeletion(topic.topicId(), 0, List.of(a), 0, 2, broker2.brokerEpoch()))
            .as("only the leader deletes").isInstanceOf(NotLeaderOrFollowerException.class);

        List<RemoteSegmentMetadata> marked = join(store.startRemoteSegmentDeletion(topic.topicId(), 0, List.of(a), 0,
            1, broker1.brokerEpoch()));
        assertThat(marked).containsExactly(a.withState(RemoteSegmentState.DELETE_STARTED));
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).extracting(RemoteSegmentMetadata::state)
            .containsExactly(RemoteSegmentState.DELETE_STARTED, RemoteSegmentState.COPY_FINISHED);
        assertThat(join(store.remoteLogState(topic.topicId(), 0))).isEqualTo(new RemoteLogState(199, 1,
            b.sizeInBytes()));
        assertThat(join(store.startRemoteSegmentDeletion(topic.topicId(), 0, List.of(a), 0, 1,
            broker1.brokerEpoch()))).as("idempotent").containsExactlyElementsOf(marked);

        assertThat(join(other.removeRemoteSegments(topic.topicId(), 0, marked))).isEqualTo(1);
        assertThat(join(other.removeRemoteSegments(topic.topicId(), 0, marked))).as("already removed").isZero();
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).containsExactly(b);
        assertFails(register(segment(topic, 0, 99, 0, 1), broker1)).as("deleted ranges stay deleted")
            .isInstanceOf(RemoteSegmentOverlapException.class);
        assertThat(join(store.remoteLogState(topic.topicId(), 0)).highestOffset()).isEqualTo(199);
    }

    @Test
    void theRemoteLogOfADeletedTopicIsRemovedOnlyOnceTheTopicIsGone() {
        TopicMetadata topic = topic();
        join(register(segment(topic, 0, 99, 0, 1), broker1));
        assertThat(join(store.remoteLogPartitions())).containsEntry(topic.topicId(), new TreeSet<>(List.of(0)));

        assertThat(join(store.removeRemoteLogOfDeletedTopic(topic.topicId()))).isFalse();
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).hasSize(1);

        join(store.deleteTopic(topic.name()));
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).as("topic deletion keeps the registrations")
            .hasSize(1);
        assertThat(join(store.removeRemoteLogOfDeletedTopic(topic.topicId()))).isTrue();
        assertThat(join(store.remoteSegments(topic.topicId(), 0))).isEmpty();
        assertThat(join(store.remoteLogPartitions())).doesNotContainKey(topic.topicId());
        assertThat(join(store.remoteLogState(topic.topicId(), 0))).isEqualTo(RemoteLogState.EMPTY);
    }

    @Test
    void aPartitionWithMoreSegmentsThanOnePageIsListedCompletely(EtcdTestEnv env) throws Exception {
        TopicMetadata topic = topic();
        int count = 520;
        // written straight with the documented key layout, 100 keys per transaction, to keep the test fast
        try (Client client = Client.builder().endpoints(env.endpoint()).build()) {
            for (int from = 0; from < count; from += 100) {
                List<Op> puts = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 100); i++) {
                    RemoteSegmentMetadata s = segment(topic, i * 10L, i * 10L + 9, 0, 1);
                    String key = env.namespace() + "/remote-log/v1/segments/" + topic.topicId() + "/0/"
                        + String.format("%020d", s.baseOffset());
                    puts.add(Op.put(ByteSequence.from(key, StandardCharsets.UTF_8),
                        ByteSequence.from(RemoteSegmentMetadataJson.encode(s)), PutOption.DEFAULT));
                }
                client.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit().get(10, TimeUnit.SECONDS);
            }
        }
        List<RemoteSegmentMetadata> listed = join(other.remoteSegments(topic.topicId(), 0));
        assertThat(listed).hasSize(count);
        assertThat(listed).extracting(RemoteSegmentMetadata::baseOffset).isSorted();
        assertThat(listed.get(count - 1).lastOffset()).isEqualTo(count * 10L - 1);
    }
}
