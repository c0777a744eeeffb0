package io.sluice.broker.cluster;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A Sluice cluster for process-level fault tests: N broker processes (node ids 1..N), each a {@link ClusterNode}
 * with its own log dir and fixed ports, sharing one etcd namespace of the test etcd ({@link EtcdTestEnv}).
 *
 * <p>Faults: {@link #kill} (SIGKILL), {@link #pause}/{@link #resume} (SIGSTOP/SIGCONT), {@link #stop} (SIGTERM) and
 * {@link #restart}. Signals only ever go to processes this fixture started.
 *
 * <p>State: the fixture reads the cluster metadata from etcd through its own {@link MetadataStore} client (it
 * registers no broker): {@link #partitionState} reads etcd directly (linearizable); the {@code await*} methods and
 * {@link #controllerId()} poll the store's watch-fed cache ({@link #image()}); {@link #reportedControllerId()} asks
 * the brokers (Admin {@code describeCluster}). An {@link IsrExpansionMonitor} watches every partition change from
 * the start, so tests can check that no ISR ever gained an unregistered broker (KIP-841).
 *
 * <p>Defaults (each can be changed on the {@link Builder}): 3 brokers, {@code broker.session.timeout.ms=2000},
 * {@code controller.lease.ttl.ms=2000},
 * {@code replica.lag.time.max.ms=10000}, {@code default.replication.factor=min(3, N)},
 * {@code min.insync.replicas=min(2, N)}, {@code unclean.leader.election.enable=false},
 * {@code auto.leader.rebalance.enable=false} (so tests decide when leadership moves), {@code num.io.threads=4},
 * {@code num.network.threads=2}.
 *
 * <p>{@link #close()} stops every broker it started (SIGTERM, SIGKILL after 20 s), closes its clients, and is
 * also run by a JVM shutdown hook (SIGKILL) should the test JVM exit first. Not thread-safe: one test thread drives
 * the cluster (producers may run on other threads).
 */
public final class SluiceCluster implements AutoCloseable {
    /** How long the {@code await*} methods wait unless told otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final String namespace;
    private final SortedMap<Integer, ClusterNode> nodes;
    private final MetadataStore metadata;
    private final IsrExpansionMonitor isrExpansions;
    private final Thread shutdownHook;
    private Admin admin;

    private SluiceCluster(String namespace, SortedMap<Integer, ClusterNode> nodes, MetadataStore metadata) {
        this.namespace = namespace;
        this.nodes = nodes;
        this.metadata = metadata;
        this.isrExpansions = IsrExpansionMonitor.watching(metadata.cache());
        this.shutdownHook = new Thread(() -> nodes.values().forEach(ClusterNode::destroyForcibly),
                "sluice-cluster-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Settings for a cluster in a fresh namespace of {@code etcd}, with the brokers' directories
     * {@code dir/broker-<id>}.
     */
    public static Builder builder(EtcdTestEnv etcd, Path dir) {
        return new Builder(etcd, dir);
    }

    // ---------------------------------------------------------------- brokers and faults

    /** Node ids, ascending (1..N). */
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** One broker. @throws IllegalArgumentException for an unknown id */
    public ClusterNode node(int nodeId) {
        ClusterNode node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("no broker " + nodeId + " in " + nodes.keySet());
        }
        return node;
    }

    /** SIGKILL broker {@code nodeId}; see {@link ClusterNode#kill()}. */
    public void kill(int nodeId) throws InterruptedException {
        node(nodeId).kill();
    }

    /** SIGSTOP broker {@code nodeId}; see {@link ClusterNode#pause()}. */
    public void pause(int nodeId) throws IOException, InterruptedException {
        node(nodeId).pause();
    }

    /** SIGCONT broker {@code nodeId}; see {@link ClusterNode#resume()}. */
    public void resume(int nodeId) throws IOException, InterruptedException {
        node(nodeId).resume();
    }

    /** SIGTERM broker {@code nodeId} and wait for its clean shutdown; see {@link ClusterNode#stop()}. */
    public void stop(int nodeId) throws IOException, InterruptedException {
        node(nodeId).stop();
    }

    /**
     * Starts broker {@code nodeId} again on the same log dir and ports and waits until it is ready (registered in
     * etcd and serving). A broker that is still alive is stopped cleanly first. After a SIGKILL the broker itself
     * waits for its previous registration's lease to expire (up to two session timeouts).
     */
    public void restart(int nodeId) throws IOException, InterruptedException {
        ClusterNode node = node(nodeId);
        node.stop();
        node.start();
        awaitRegistered(nodeId);
    }

    /**
     * The {@code host:port} of every running broker (neither paused nor down), or of all brokers when none is
     * running. A new client bootstraps only from brokers that answer: a metadata request sent to a frozen broker
     * would only fail after the client's {@code request.timeout.ms}. (Once bootstrapped, clients learn every
     * registered broker from Metadata responses, as Kafka clients do.)
     */
    public String bootstrapServers() {
        List<ClusterNode> running = nodes.values().stream().filter(n -> n.state() == ClusterNode.State.RUNNING)
                .toList();
        return (running.isEmpty() ? nodes.values() : running).stream().map(ClusterNode::bootstrapServer)
                .collect(Collectors.joining(","));
    }

    // ---------------------------------------------------------------- clients

    /**
     * An Admin client for the cluster, owned by the fixture (do not close it). Its requests time out after 5 s and
     * its calls after 15 s, so a paused broker delays a call but does not hang a test.
     */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
                    AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500));
        }
        return admin;
    }

    /**
     * A string producer for the cluster (the caller closes it) with quick reconnects and metadata refreshes, so it
     * follows leader changes promptly; {@code overrides} win.
     */
    public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    /** A string consumer without a group (use {@code assign}), reading from the earliest offset; caller closes. */
    public KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        props.putAll(overrides);
        return new KafkaConsumer<>(props);
    }

    /**
     * Creates a topic through the Admin API and waits until etcd shows every partition with a live leader and
     * all replicas in the ISR.
     *
     * @throws java.util.concurrent.ExecutionException with the broker's error (e.g.
     *         {@code InvalidReplicationFactorException}) if the creation fails
     */
    public TopicMetadata createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        admin().createTopics(List.of(new NewTopic(name, partitions, (short) replicationFactor).configs(configs)))
                .all().get(30, TimeUnit.SECONDS);
        awaitFullIsr(name);
        return image().topic(name).orElseThrow();
    }

    // ---------------------------------------------------------------- state from etcd

    /** The fixture's own metadata client (its cache is watch-fed from the cluster's namespace). */
    public MetadataStore metadata() {
        return metadata;
    }

    /** The etcd namespace the brokers share. */
    public String namespace() {
        return namespace;
    }

    /** The latest metadata image the fixture's cache has (milliseconds behind etcd). */
    public MetadataImage image() {
        return metadata.cache().image();
    }

    /**
     * Reads one partition's state directly from etcd (linearizable): leader, leader epoch, replicas, ISR,
     * partition epoch.
     *
     * @throws IllegalArgumentException if the topic or partition does not exist
     */
    public PartitionState partitionState(String topic, int partition) throws Exception {
        TopicMetadata metadataOfTopic = metadata.describeTopic(topic).get(10, TimeUnit.SECONDS)
                .orElseThrow(() -> new IllegalArgumentException("no topic " + topic));
        return metadataOfTopic.partition(partition)
                .orElseThrow(() -> new IllegalArgumentException("no partition " + topic + "-" + partition));
    }

    /** Brokers registered in etcd (their lease is alive), per the fixture's cache. */
    public Set<Integer> registeredBrokers() {
        return Set.copyOf(image().brokers().keySet());
    }

    /** Waits until broker {@code nodeId} is registered in etcd. */
    public void awaitRegistered(int nodeId) {
        await("broker " + nodeId + " registered").atMost(DEFAULT_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> image().broker(nodeId).isPresent());
    }

    /** Waits until broker {@code nodeId}'s registration is gone from etcd (lease expired or revoked). */
    public void awaitUnregistered(int nodeId) {
        await("broker " + nodeId + " unregistered").atMost(DEFAULT_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> image().broker(nodeId).isEmpty());
    }

    /**
     * Waits until a partition's state satisfies {@code condition} and returns that state.
     *
     * @param description what is awaited, for the timeout message (which also shows the last state seen)
     * @throws org.awaitility.core.ConditionTimeoutException after {@code atMost}
     */
    public PartitionState awaitPartition(TopicPartition tp, String description, Predicate<PartitionState> condition,
                                         Duration atMost) {
        AtomicReference<PartitionState> last = new AtomicReference<>();
        try {
            await(tp + ": " + description).atMost(atMost).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Optional<PartitionState> state = image().partition(tp);
                        state.ifPresent(last::set);
                        return state.filter(condition).isPresent();
                    });
        } catch (ConditionTimeoutException e) {
            throw new ConditionTimeoutException(e.getMessage() + "; last state seen: " + last.get()
                    + "; registered brokers: " + registeredBrokers());
        }
        return last.get();
    }

    /** Waits until the partition has a leader that is registered in etcd; returns the state. */
    public PartitionState awaitLeader(String topic, int partition) {
        return awaitPartition(new TopicPartition(topic, partition), "a live leader",
                s -> s.hasLeader() && image().broker(s.leader()).isPresent(), DEFAULT_WAIT);
    }

    /**
     * Waits until the partition has a new live leader: another broker than {@code before.leader()}, in a higher
     * leader epoch.
     */
    public PartitionState awaitNewLeader(TopicPartition tp, PartitionState before, Duration atMost) {
        return awaitPartition(tp, "a leader other than " + before.leader() + " in an epoch above "
                        + before.leaderEpoch(),
                s -> s.hasLeader() && s.leader() != before.leader() && s.leaderEpoch() > before.leaderEpoch()
                        && image().broker(s.leader()).isPresent(), atMost);
    }

    /** Waits until the partition's ISR is exactly {@code expected} (in any order); returns the state. */
    public PartitionState awaitIsr(TopicPartition tp, Collection<Integer> expected, Duration atMost) {
        Set<Integer> wanted = Set.copyOf(expected);
        return awaitPartition(tp, "ISR " + new TreeSet<>(wanted),
                s -> new HashSet<>(s.isr()).equals(wanted), atMost);
    }

    /** Waits until every partition of {@code topic} has a live leader and all its replicas in the ISR. */
    public void awaitFullIsr(String topic) {
        awaitFullIsr(topic, DEFAULT_WAIT);
    }

    /** As {@link #awaitFullIsr(String)} with a bound. */
    public void awaitFullIsr(String topic, Duration atMost) {
        await(topic + ": every partition led by a live broker with a full ISR").atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    MetadataImage image = image();
                    Optional<TopicMetadata> t = image.topic(topic);
                    return t.isPresent() && t.get().partitions().values().stream().allMatch(s -> s.hasLeader()
                            && image.broker(s.leader()).isPresent()
                            && new HashSet<>(s.isr()).equals(new HashSet<>(s.replicas())));
                });
    }

    /**
     * Waits until every partition of {@code topic} is led by its preferred replica (the first of its replicas)
     * with a full ISR: where automatic preferred leader election ({@code auto.leader.rebalance.enable}) leads.
     */
    public void awaitPreferredLeaders(String topic, Duration atMost) {
        await(topic + ": every partition led by its preferred replica with a full ISR").atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    MetadataImage image = image();
                    Optional<TopicMetadata> t = image.topic(topic);
                    return t.isPresent() && t.get().partitions().values().stream().allMatch(s ->
                            s.leader() == s.replicas().get(0) && image.broker(s.leader()).isPresent()
                                    && new HashSet<>(s.isr()).equals(new HashSet<>(s.replicas())));
                });
    }

    /** The partitions of {@code topic} whose leader is {@code nodeId}, per the fixture's cache. */
    public List<TopicPartition> partitionsLedBy(int nodeId, String topic) {
        List<TopicPartition> led = new ArrayList<>();
        image().topic(topic).ifPresent(t -> t.partitions().forEach((p, s) -> {
            if (s.leader() == nodeId) {
                led.add(new TopicPartition(topic, p));
            }
        }));
        return led;
    }

    /**
     * The active controller's node id as etcd records it (the {@code controller} key, through the fixture's
     * {@link MetadataImage#controllerId()}); empty while no broker holds the controller lease.
     */
    public OptionalInt controllerId() {
        int id = image().controllerId();
        return id == MetadataImage.NO_CONTROLLER ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The epoch of the latest controller election (1 for the first, +1 per election; 0 before any). */
    public int controllerEpoch() {
        return image().controllerEpoch();
    }

    /** Waits until etcd names a controller that satisfies {@code condition} and returns its id. */
    public int awaitController(String description, IntPredicate condition, Duration atMost) {
        AtomicReference<OptionalInt> seen = new AtomicReference<>(OptionalInt.empty());
        try {
            await("controller " + description).atMost(atMost).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        OptionalInt id = controllerId();
                        seen.set(id);
                        return id.isPresent() && condition.test(id.getAsInt());
                    });
        } catch (ConditionTimeoutException e) {
            throw new ConditionTimeoutException(e.getMessage() + "; last seen in etcd: " + image());
        }
        return seen.get().getAsInt();
    }

    /**
     * The controller id the brokers report to clients (Admin {@code describeCluster}, i.e. the DescribeCluster
     * response's {@code controller_id}); empty when they report none. Goes to the brokers, so a paused broker may
     * delay it up to 15 s.
     */
    public OptionalInt reportedControllerId() throws Exception {
        Node controller = admin().describeCluster(new DescribeClusterOptions().timeoutMs(15_000)).controller()
                .get(20, TimeUnit.SECONDS);
        return controller == null || controller.isEmpty() || controller.id() < 0
                ? OptionalInt.empty() : OptionalInt.of(controller.id());
    }

    /**
     * Every ISR expansion of {@code topic}'s partitions, since the cluster started, that added a broker which was
     * not registered in etcd at that revision (forbidden in Kafka by KIP-841); see {@link IsrExpansionMonitor}.
     */
    public List<IsrExpansionMonitor.Violation> isrExpansionsOfUnregisteredBrokers(String topic) {
        return isrExpansions.violations().stream().filter(v -> v.topic().equals(topic)).toList();
    }

    // ---------------------------------------------------------------- diagnostics

    /** Every broker's state and every topic's partition states, for failure messages. */
    public String describe() {
        StringBuilder text = new StringBuilder("SluiceCluster namespace ").append(namespace).append('\n');
        nodes.values().forEach(n -> text.append("  ").append(n).append('\n'));
        MetadataImage image = image();
        text.append("  registered in etcd: ").append(image.brokers().keySet()).append(", controller ")
                .append(image.controllerId()).append(" (epoch ").append(image.controllerEpoch()).append(")\n");
        new TreeMap<>(image.topicsByName()).values().forEach(t -> t.partitions().forEach((p, s) ->
                text.append("  ").append(t.name()).append('-').append(p).append(": leader ").append(s.leader())
                        .append(" epoch ").append(s.leaderEpoch()).append(" replicas ").append(s.replicas())
                        .append(" isr ").append(s.isr()).append(" partitionEpoch ").append(s.partitionEpoch())
                        .append('\n')));
        return text.toString();
    }

    /** The last {@code lines} lines of every broker's output, headed by the file name. */
    public String logTails(int lines) {
        StringBuilder text = new StringBuilder();
        nodes.values().forEach(n -> text.append("--- ").append(n).append(": ").append(n.logFile()).append(" ---\n")
                .append(n.logTail(lines)).append('\n'));
        return text.toString();
    }

    /** Stops every broker (in parallel: SIGTERM, SIGKILL after 20 s; paused ones are resumed first). */
    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ClusterNode node : nodes.values()) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    node.stop();
                } catch (Exception e) {
                    node.destroyForcibly();
                }
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        isrExpansions.close();
        metadata.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook kills whatever is left
        }
    }

    /** Cluster settings; {@link #start()} starts the brokers. */
    public static final class Builder {
        private final EtcdTestEnv etcd;
        private final Path dir;
        private int brokers = 3;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(EtcdTestEnv etcd, Path dir) {
            this.etcd = etcd;
            this.dir = dir;
            settings.put("broker.session.timeout.ms", "2000");
            settings.put("controller.lease.ttl.ms", "2000");
            settings.put("group.initial.rebalance.delay.ms", "0");
            settings.put("offsets.topic.num.partitions", "5");
            settings.put("replica.lag.time.max.ms", "10000");
            settings.put("unclean.leader.election.enable", "false");
            settings.put("auto.leader.rebalance.enable", "false");
            settings.put("num.io.threads", "4");
            settings.put("num.network.threads", "2");
        }

        /** The number of brokers, node ids 1..n; default 3. */
        public Builder brokers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one broker");
            }
            this.brokers = n;
            return this;
        }

        /** {@code broker.session.timeout.ms}: the etcd lease TTL of each broker's registration; default 2000. */
        public Builder sessionTimeoutMs(long ms) {
            return setting("broker.session.timeout.ms", Long.toString(ms));
        }

        /**
         * {@code controller.lease.ttl.ms}: the etcd lease TTL of the active controller's term (how soon another
         * broker takes over when it dies or is frozen); default 2000 (the broker's own default is 10000).
         */
        public Builder controllerLeaseTtlMs(long ms) {
            return setting("controller.lease.ttl.ms", Long.toString(ms));
        }

        /** {@code replica.lag.time.max.ms}: how long a follower may lag before leaving the ISR; default 10000. */
        public Builder replicaLagTimeMaxMs(long ms) {
            return setting("replica.lag.time.max.ms", Long.toString(ms));
        }

        /** {@code min.insync.replicas} (broker default for topics); default min(2, brokers). */
        public Builder minInsyncReplicas(int n) {
            return setting("min.insync.replicas", Integer.toString(n));
        }

        /** {@code default.replication.factor}; default min(3, brokers). */
        public Builder defaultReplicationFactor(int n) {
            return setting("default.replication.factor", Integer.toString(n));
        }

        /**
         * {@code auto.leader.rebalance.enable} and {@code leader.imbalance.check.interval.seconds}: move leadership
         * back to the preferred replica once it is in sync (Kafka's default is on, every 300 s); default off.
         */
        public Builder autoLeaderRebalance(boolean enable, int checkIntervalSeconds) {
            setting("auto.leader.rebalance.enable", Boolean.toString(enable));
            return setting("leader.imbalance.check.interval.seconds", Integer.toString(checkIntervalSeconds));
        }

        /** Any broker setting (Kafka's names), applied to every broker. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Starts all brokers (in parallel) and waits until each is ready and registered in etcd.
         *
         * @throws IllegalStateException with the tail of a broker's output if it does not become ready
         */
        public SluiceCluster start() throws Exception {
            String namespace = etcd.newNamespace();
            Map<String, String> common = new LinkedHashMap<>();
            common.put("default.replication.factor", Integer.toString(Math.min(3, brokers)));
            common.put("min.insync.replicas", Integer.toString(Math.min(2, brokers)));
            common.putAll(settings);
            common.put("etcd.endpoints", etcd.endpoint());
            common.put("etcd.namespace", namespace);
            SortedMap<Integer, ClusterNode> nodes = new TreeMap<>();
            for (int id = 1; id <= brokers; id++) {
                nodes.put(id, ClusterNode.create(id, dir.resolve("broker-" + id), common));
            }
            MetadataStore store = MetadataStore.connect(MetadataStoreConfig.builder(etcd.endpoint())
                    .namespace(namespace).requestTimeout(Duration.ofSeconds(5)).build());
            SluiceCluster cluster = new SluiceCluster(namespace, nodes, store);
            try {
                store.cache().ready().get(30, TimeUnit.SECONDS);
                for (ClusterNode node : nodes.values()) {
                    node.launch();
                }
                for (ClusterNode node : nodes.values()) {
                    node.awaitReady();
                    cluster.awaitRegistered(node.nodeId());
                }
                return cluster;
            } catch (Exception | Error e) {
                cluster.close();
                throw e;
            }
        }
    }
}
