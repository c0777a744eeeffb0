package io.sluice.metadata.etcd;

import io.etcd.jetcd.Client;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Controller elections, epochs and fencing at the store level (real etcd). */
@ExtendWith(EtcdExtension.class)
class ControllerSessionTest {

    /** Long enough not to expire on a stalled CI machine: these tests end leases explicitly. */
    private static final Duration TTL = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private MetadataStoreConfig config;
    private Client raw;

    @BeforeEach
    void setUp(EtcdTestEnv env) {
        config = env.isolatedStoreConfig().brokerLeaseTtl(Duration.ofSeconds(5)).build();
        raw = Client.builder().endpoints(env.endpoint()).build();
        closeables.push(raw);
    }

    @AfterEach
    void tearDown() throws Exception {
        while (!closeables.isEmpty()) {
            closeables.pop().close();
        }
    }

    private MetadataStore store() {
        MetadataStore store = MetadataStore.connect(config);
        closeables.push(store);
        join(store.cache().ready());
        return store;
    }

    /** Ends a lease in etcd behind its holder's back, as an expiry during a long pause does. */
    private void expire(long leaseId) throws Exception {
        raw.getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
    }

    private TopicMetadata topicOn(MetadataStore store, String name, List<BrokerLease> brokers) {
        List<BrokerRegistration> live = brokers.stream().map(BrokerLease::registration).toList();
        return join(store.createTopic(NewTopicRequest.withAssignments(name, Map.of(0, List.of(1, 2))), live));
    }

    @Test
    void oneBrokerWinsEachEpochAndTheEpochGrowsByOnePerElection() {
        MetadataStore a = store();
        MetadataStore b = store();

        ControllerSession first = join(a.tryBecomeController(1, TTL)).orElseThrow();
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(first.brokerId()).isEqualTo(1);
        assertThat(a.cache().image().controllerId()).as("read your election").isEqualTo(1);
        assertThat(join(b.tryBecomeController(2, TTL))).as("the key is held").isEmpty();
        MetadataImage seenByB = join(b.cache().awaitLatest(Duration.ofSeconds(5)));
        assertThat(seenByB.controllerId()).isEqualTo(1);
        assertThat(seenByB.controllerEpoch()).isEqualTo(1);

        first.close();
        await().atMost(Duration.ofSeconds(5))
            .until(() -> b.cache().image().controllerId() == MetadataImage.NO_CONTROLLER);
        assertThat(b.cache().image().controllerEpoch()).as("the epoch outlives the controller").isEqualTo(1);

        ControllerSession second = join(b.tryBecomeController(2, TTL)).orElseThrow();
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.electedRevision()).isGreaterThan(first.electedRevision());
        assertThat(b.cache().image().controllerId()).isEqualTo(2);
        assertThat(b.cache().image().controllerEpoch()).isEqualTo(2);
    }

    @Test
    void ofConcurrentCandidatesExactlyOneWins() {
        List<MetadataStore> stores = List.of(store(), store(), store());
        List<CompletableFuture<Optional<ControllerSession>>> attempts = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            attempts.add(stores.get(i).tryBecomeController(i + 1, TTL));
        }

        List<ControllerSession> won = attempts.stream().map(f -> join(f)).flatMap(Optional::stream).toList();

        assertThat(won).hasSize(1);
        assertThat(won.get(0).epoch()).isEqualTo(1);
    }

    @Test
    void aControllerWhoseLeaseEndedCanWriteNothing() throws Exception {
        MetadataStore a = store();
        MetadataStore b = store();
        List<BrokerLease> brokers = List.of(join(a.registerBroker(BrokerRegistration.of(1, "h1", 9092, 0))),
            join(a.registerBroker(BrokerRegistration.of(2, "h2", 9092, 0))));
        TopicMetadata topic = topicOn(a, "fenced", brokers);
        PartitionState initial = topic.partition(0).orElseThrow();
        PartitionState byStale = new PartitionState(2, 1, List.of(1, 2), List.of(2), 1);

        ControllerSession stale = join(a.tryBecomeController(1, TTL)).orElseThrow();
        expire(stale.leaseId());

        assertFails(stale.compareAndSetPartitionState(topic.topicId(), 0, initial, byStale))
            .as("no controller at all now").isInstanceOf(NotControllerException.class);

        ControllerSession fresh = join(b.tryBecomeController(2, TTL)).orElseThrow();
        assertThat(fresh.epoch()).isEqualTo(stale.epoch() + 1);
        assertFails(stale.compareAndSetPartitionState(topic.topicId(), 0, initial, byStale))
            .as("another controller was elected").isInstanceOf(NotControllerException.class);
        assertThat(join(b.describeTopic("fenced")).orElseThrow().partition(0)).as("nothing written")
            .contains(initial);

        PartitionState byFresh = new PartitionState(2, 1, List.of(1, 2), List.of(2, 1), 1);
        assertThat(join(fresh.compareAndSetPartitionState(topic.topicId(), 0, initial, byFresh))).isTrue();
        assertThat(b.cache().image().partition(topic.topicId(), 0)).contains(byFresh);
        await().atMost(Duration.ofSeconds(5)).until(stale::isLost);
    }

    @Test
    void anElectionNeverPicksABrokerThatIsNotRegistered() {
        MetadataStore a = store();
        BrokerLease one = join(a.registerBroker(BrokerRegistration.of(1, "h1", 9092, 0)));
        BrokerLease two = join(a.registerBroker(BrokerRegistration.of(2, "h2", 9092, 0)));
        TopicMetadata topic = topicOn(a, "to-dead", List.of(one, two));
        PartitionState initial = topic.partition(0).orElseThrow();
        ControllerSession controller = join(a.tryBecomeController(1, TTL)).orElseThrow();
        two.close();

        assertThat(join(controller.compareAndSetPartitionState(topic.topicId(), 0, initial,
            new PartitionState(2, 1, List.of(1, 2), List.of(2, 1), 1)))).isFalse();
        PartitionState shrink = new PartitionState(1, 0, List.of(1, 2), List.of(1), 1);
        assertThat(join(controller.compareAndSetPartitionState(topic.topicId(), 0, initial, shrink)))
            .as("the leader does not change: no registration needed").isTrue();
    }

    @Test
    void leaderWritesAreFencedByTheBrokerEpoch() {
        MetadataStore a = store();
        BrokerLease one = join(a.registerBroker(BrokerRegistration.of(1, "h1", 9092, 0)));
        BrokerLease two = join(a.registerBroker(BrokerRegistration.of(2, "h2", 9092, 0)));
        assertThat(a.cache().image().brokerEpoch(1)).hasValue(one.brokerEpoch());
        assertThat(a.cache().image().brokerEpoch(2)).hasValue(two.brokerEpoch());
        TopicMetadata topic = topicOn(a, "leader-writes", List.of(one, two));
        PartitionState initial = topic.partition(0).orElseThrow();
        PartitionState shrunk = new PartitionState(1, 0, List.of(1, 2), List.of(1), 1);

        assertFails(a.compareAndSetPartitionState(topic.topicId(), 0, initial, shrunk, 1, one.brokerEpoch() + 1))
            .as("another incarnation of broker 1").isInstanceOf(StaleBrokerEpochException.class);
        assertThat(join(a.compareAndSetPartitionState(topic.topicId(), 0, initial, shrunk, 1, one.brokerEpoch())))
            .isTrue();

        one.close();
        PartitionState expanded = new PartitionState(1, 0, List.of(1, 2), List.of(1, 2), 2);
        assertFails(a.compareAndSetPartitionState(topic.topicId(), 0, shrunk, expanded, 1, one.brokerEpoch()))
            .as("the broker's lease ended").isInstanceOf(StaleBrokerEpochException.class);
        assertThat(join(a.describeTopic("leader-writes")).orElseThrow().partition(0)).contains(shrunk);
    }

    @Test
    void aLeadersIsrChangeFailsOnceTheControllerChangedTheLeaderEpoch() {
        MetadataStore a = store();
        BrokerLease one = join(a.registerBroker(BrokerRegistration.of(1, "h1", 9092, 0)));
        BrokerLease two = join(a.registerBroker(BrokerRegistration.of(2, "h2", 9092, 0)));
        TopicMetadata topic = topicOn(a, "raced", List.of(one, two));
        PartitionState initial = topic.partition(0).orElseThrow();
        ControllerSession controller = join(a.tryBecomeController(2, TTL)).orElseThrow();

        PartitionState moved = new PartitionState(2, 1, List.of(1, 2), List.of(1, 2), 1);
        assertThat(join(controller.compareAndSetPartitionState(topic.topicId(), 0, initial, moved))).isTrue();
        PartitionState staleShrink = new PartitionState(1, 0, List.of(1, 2), List.of(1), 1);

        assertThat(join(a.compareAndSetPartitionState(topic.topicId(), 0, initial, staleShrink, 1,
            one.brokerEpoch()))).as("the leader's view (leader epoch 0) is stale").isFalse();
        assertThat(a.cache().image().partition(topic.topicId(), 0)).contains(moved);
    }
}
