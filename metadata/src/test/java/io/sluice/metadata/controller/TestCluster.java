package io.sluice.metadata.controller;

import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.metadata.testing.TcpProxy;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Brokers for controller tests, in one JVM against the real test etcd: each {@link Node} has its own metadata store
 * (optionally reaching etcd through a {@link TcpProxy} the test can cut), its broker registration and its own
 * {@link Controller}. Every cluster gets a fresh namespace. An observer store (no registration, no controller) reads
 * the outcome.
 */
final class TestCluster implements AutoCloseable {

    /**
     * Fast failover for tests: 2 s controller lease (1 s works with the test etcd's settings, but lets leases expire
     * when a shared CI machine stalls), no auto rebalance unless a test asks.
     */
    static final ControllerConfig FAST = new ControllerConfig(Duration.ofSeconds(2), false, Duration.ofMinutes(5));
    /** Broker registration lease TTL in these tests. */
    static final Duration BROKER_LEASE_TTL = Duration.ofSeconds(2);
    static final Duration FAILOVER = Duration.ofSeconds(15);

    private final EtcdTestEnv env;
    private final String namespace;
    private final Map<Integer, Node> nodes = new TreeMap<>();
    final MetadataStore observer;

    TestCluster(EtcdTestEnv env) {
        this.env = env;
        this.namespace = env.newNamespace();
        this.observer = MetadataStore.connect(env.storeConfig().namespace(namespace)
            .brokerLeaseTtl(BROKER_LEASE_TTL).build());
        join(observer.cache().ready());
    }

    /** One broker: store, registration, controller. */
    final class Node implements AutoCloseable {
        final int id;
        final MetadataStore store;
        final TcpProxy proxy;
        BrokerLease lease;
        Controller controller;
        private boolean cut;

        private Node(int id, boolean behindProxy) {
            this.id = id;
            this.proxy = behindProxy ? TcpProxy.forEndpoint(env.endpoint()) : null;
            this.store = MetadataStore.connect(env.storeConfig().namespace(namespace).brokerLeaseTtl(BROKER_LEASE_TTL)
                .endpoints(List.of(behindProxy ? proxy.endpoint() : env.endpoint()))
                .requestTimeout(behindProxy ? Duration.ofSeconds(2) : Duration.ofSeconds(5)).build());
            join(store.cache().ready());
        }

        BrokerRegistration registration() {
            return BrokerRegistration.of(id, "broker-" + id, 9092, 0);
        }

        /** Registers the broker (again). */
        Node register() {
            lease = join(store.registerBroker(registration()));
            return this;
        }

        /** Revokes the broker's lease: gone at once, as after a clean shutdown. */
        void deregister() {
            lease.close();
        }

        Node startController(ControllerConfig config) {
            controller = Controller.start(store, id, config);
            return this;
        }

        /** Cuts this node off from etcd (its process dies or pauses, as far as etcd can tell). */
        void cut() {
            proxy.cut();
            cut = true;
        }

        void restore() {
            proxy.restore();
            cut = false;
        }

        boolean isActive() {
            return controller != null && controller.isActive();
        }

        @Override
        public void close() {
            if (cut) {
                restore(); // closing then takes no timeouts
            }
            if (controller != null) {
                controller.close();
            }
            store.close();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** Starts a registered broker with a controller. */
    Node start(int id, ControllerConfig config) {
        return start(id, config, false);
    }

    Node start(int id, ControllerConfig config, boolean behindProxy) {
        Node node = new Node(id, behindProxy).register().startController(config);
        nodes.put(id, node);
        return node;
    }

    /** Starts a registered broker whose controller is not started (yet). */
    Node startWithoutController(int id) {
        Node node = new Node(id, false).register();
        nodes.put(id, node);
        return node;
    }

    Node node(int id) {
        return nodes.get(id);
    }

    /** Waits until exactly one node's controller is active and returns it. */
    Node awaitActive() {
        List<Node> active = new ArrayList<>();
        await().atMost(FAILOVER).until(() -> {
            active.clear();
            nodes.values().stream().filter(Node::isActive).forEach(active::add);
            return active.size() == 1;
        });
        return active.get(0);
    }

    /** Waits until exactly one node other than {@code old} is active and returns it. */
    Node awaitActiveOtherThan(Node old) {
        List<Node> active = new ArrayList<>();
        await().atMost(FAILOVER).until(() -> {
            active.clear();
            nodes.values().stream().filter(n -> n != old && n.isActive()).forEach(active::add);
            return active.size() == 1;
        });
        return active.get(0);
    }

    /** Creates a topic on the brokers registered so far; every node's cache has it on return. */
    TopicMetadata createTopic(NewTopicRequest request) {
        MetadataImage now = join(observer.cache().awaitLatest(Duration.ofSeconds(5)));
        TopicMetadata topic = join(observer.createTopic(request, now.liveBrokers()));
        for (Node node : nodes.values()) {
            join(node.store.cache().awaitLatest(Duration.ofSeconds(5)));
        }
        return topic;
    }

    /** Waits until every node's registration is visible to the observer. */
    void awaitLive(Integer... ids) {
        await().atMost(FAILOVER).untilAsserted(() ->
            assertThat(observer.cache().image().brokers().keySet()).containsExactlyInAnyOrder(ids));
    }

    PartitionState state(String topic, int partition) {
        return observer.cache().image().partition(new TopicPartition(topic, partition)).orElseThrow();
    }

    /** Waits until the observer sees the partition in {@code expected}. */
    void awaitState(String topic, int partition, PartitionState expected) {
        await().atMost(FAILOVER).untilAsserted(() -> assertThat(state(topic, partition)).isEqualTo(expected));
    }

    MetadataImage image() {
        return observer.cache().image();
    }

    @Override
    public void close() {
        nodes.values().forEach(Node::close);
        observer.close();
    }
}
