package io.sluice.broker;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.api.ApiVersionsHandler;
import io.sluice.broker.api.CreatePartitionsHandler;
import io.sluice.broker.api.CreateTopicsHandler;
import io.sluice.broker.api.DeleteGroupsHandler;
import io.sluice.broker.api.DeleteRecordsHandler;
import io.sluice.broker.api.DeleteTopicsHandler;
import io.sluice.broker.api.DescribeClusterHandler;
import io.sluice.broker.api.DescribeConfigsHandler;
import io.sluice.broker.api.DescribeGroupsHandler;
import io.sluice.broker.api.ElectLeadersHandler;
import io.sluice.broker.api.FetchHandler;
import io.sluice.broker.api.FindCoordinatorHandler;
import io.sluice.broker.api.GroupOffsetFetchHandler;
import io.sluice.broker.api.HeartbeatHandler;
import io.sluice.broker.api.IncrementalAlterConfigsHandler;
import io.sluice.broker.api.InitProducerIdHandler;
import io.sluice.broker.api.JoinGroupHandler;
import io.sluice.broker.api.LeaveGroupHandler;
import io.sluice.broker.api.ListGroupsHandler;
import io.sluice.broker.api.ListOffsetsHandler;
import io.sluice.broker.api.MetadataHandler;
import io.sluice.broker.api.OffsetCommitHandler;
import io.sluice.broker.api.OffsetDeleteHandler;
import io.sluice.broker.api.OffsetForLeaderEpochHandler;
import io.sluice.broker.api.ProduceHandler;
import io.sluice.broker.api.SyncGroupHandler;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.TopicConfigs;
import io.sluice.broker.http.HttpApiServer;
import io.sluice.broker.membership.BrokerMembership;
import io.sluice.broker.metrics.BrokerMetrics;
import io.sluice.broker.network.KafkaListener;
import io.sluice.broker.partition.IsrUpdater;
import io.sluice.broker.partition.PartitionReconciler;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.broker.protocol.ApiDispatcher;
import io.sluice.broker.replication.ReplicaFetcherManager;
import io.sluice.broker.tiering.RemoteLogManagerConfig;
import io.sluice.broker.coordinator.group.GroupCoordinator;
import io.sluice.broker.coordinator.group.GroupCoordinatorConfig;
import io.sluice.broker.coordinator.lag.AdminLogEndOffsets;
import io.sluice.broker.coordinator.lag.ConsumerLagMetrics;
import io.sluice.broker.coordinator.lag.LagMetricsConfig;
import io.sluice.broker.coordinator.lag.LocalAdmin;
import io.sluice.broker.coordinator.offsets.LogOffsetStore;
import io.sluice.broker.coordinator.offsets.OffsetsTopic;
import io.sluice.broker.tiering.TieredStorage;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.controller.Controller;
import io.sluice.metadata.controller.ControllerConfig;
import io.sluice.metadata.producer.ProducerIdManager;
import io.sluice.storage.log.LogManager;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Sluice front-end broker: wires the metadata store (etcd), the local logs, the replica manager, the Kafka
 * listener and the HTTP API, registers the broker in etcd once it can serve, and takes it all down in reverse
 * order on {@link #close()}.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    private final BrokerConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile boolean ready;
    private MetadataStore store;
    private KafkaListener kafkaListener;
    private ReplicaManager replicaManager;
    private HttpApiServer httpServer;
    private BrokerRegistration registration;

    private Broker(BrokerConfig config) {
        this.config = config;
    }

    /**
     * Starts a broker and returns once it is registered and serving.
     *
     * @throws Exception if etcd cannot be reached, the log directory cannot be recovered, a port cannot be bound,
     *                   or another live broker has the same {@code node.id}
     */
    public static Broker start(BrokerConfig config) throws Exception {
        Broker broker = new Broker(config);
        try {
            broker.startup();
            return broker;
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    private void startup() throws Exception {
        int nodeId = config.nodeId();
        LagMetricsConfig lagConfig = LagMetricsConfig.fromBrokerSettings(config.originals());
        MetadataStoreConfig storeConfig = MetadataStoreConfig.builder(config.etcdEndpoints().toArray(String[]::new))
                .namespace(config.etcdNamespace())
                .brokerLeaseTtl(Duration.ofMillis(config.brokerSessionTimeoutMs()))
                .brokerDefaults(config.originals())
                .build();
        store = MetadataStore.connect(storeConfig);
        closeables.add(store);
        String clusterId = store.getOrCreateClusterId().get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        MetadataCache cache = store.cache();
        cache.ready().get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        MetaProperties.ensure(config.logDir(), clusterId, nodeId);

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, threads("sluice-scheduler"));
        closeables.add(0, scheduler::shutdown);
        TopicConfigs topicConfigs = new TopicConfigs(config.originals(), config.remoteLogManagerConfig().enabled());
        LogManager logManager = new LogManager(config.logDir(), Time.SYSTEM, scheduler, config.logManagerConfig());
        logManager.startup(tp -> cache.image().topic(tp.topic())
                .map(topic -> topicConfigs.logConfig(topic)).orElseGet(topicConfigs::defaultLogConfig));
        closeables.add(0, logManager);

        BrokerMetrics metrics = new BrokerMetrics(nodeId);
        java.util.concurrent.atomic.AtomicReference<BrokerMembership> membershipRef =
                new java.util.concurrent.atomic.AtomicReference<>();
        IsrUpdater isrUpdater = new IsrUpdater(store, nodeId,
                () -> membershipRef.get() == null ? -1L : membershipRef.get().brokerEpoch());
        replicaManager = new ReplicaManager(nodeId, scheduler, Time.SYSTEM, isrUpdater,
                brokerId -> cache.image().broker(brokerId).isPresent(), config.replicaLagTimeMaxMs());
        ReplicaFetcherManager fetchers = new ReplicaFetcherManager(nodeId, cache::image, config.fetcherConfig());
        closeables.add(0, fetchers);
        PartitionReconciler reconciler = new PartitionReconciler(nodeId, logManager, replicaManager,
                topicConfigs, fetchers, metrics::partitionAdded, metrics::partitionRemoved);
        metrics.registerReplicationGauges(replicaManager::partitions, cache::image);
        // Tiered storage before the first reconcile: followers restarting at a leader's local log start offset and
        // consumers reading below it need the remote reads from the start.
        Optional<TieredStorage> tieredStorage = TieredStorage.startIfEnabled(
                config.remoteLogManagerConfig(), nodeId, replicaManager::partitions,
                p -> cache.image().topic(p.topicIdPartition().topicId()).map(topicConfigs::resolve), store,
                () -> membershipRef.get() == null ? -1L : membershipRef.get().brokerEpoch(), metrics.registry(),
                Time.SYSTEM, () -> cache.image().controllerId() == nodeId);
        tieredStorage.ifPresent(t -> {
            closeables.add(0, t);
            replicaManager.setRemoteLogReader(t.consumerFetches());
            fetchers.setRemoteLeaderEpochs(t.remoteReads()::leaderEpochsBefore);
        });
        reconciler.reconcile(cache.image());
        MetadataCache.Subscription subscription = cache.addListener(reconciler);
        closeables.add(0, subscription::close);

        Controller controller = Controller.start(store, nodeId, ControllerConfig.fromBrokerSettings(config.originals()));
        closeables.add(0, controller);
        TopicAdmin topicAdmin = new TopicAdmin(store, storeConfig.requestTimeout());
        ProducerIdManager producerIds = new ProducerIdManager(nodeId, store::allocateProducerIdBlock);
        // consumer groups: coordinators are the leaders of __consumer_offsets partitions, offsets live in that log
        OffsetsTopic offsetsTopic = new OffsetsTopic(config.originals(), topicAdmin, cache::image);
        LogOffsetStore offsetStore = new LogOffsetStore(offsetsTopic, replicaManager, Time.SYSTEM,
                Long.parseLong(config.originals().getOrDefault("offsets.commit.timeout.ms", "5000")));
        ScheduledExecutorService groupThread = Executors.newSingleThreadScheduledExecutor(threads("sluice-group-coordinator"));
        GroupCoordinator groupCoordinator = new GroupCoordinator(
                GroupCoordinatorConfig.fromBrokerSettings(config.originals()), offsetStore, offsetStore, offsetStore,
                Time.SYSTEM, groupThread);
        offsetStore.setResignationListener(groupCoordinator::onResigned);
        offsetStore.setGroupLoadListener(groupCoordinator::onLoaded);
        ScheduledExecutorService groupLoader = Executors.newSingleThreadScheduledExecutor(threads("sluice-group-loader"));
        groupLoader.scheduleWithFixedDelay(() -> {
            try {
                offsetStore.refreshOwnership();
            } catch (RuntimeException e) {
                LOG.warn("refreshing group coordinator ownership failed", e);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        closeables.add(0, () -> {
            groupLoader.shutdownNow();
            groupCoordinator.close();
            groupThread.shutdown();
        });
        ApiDispatcher dispatcher = new ApiDispatcher();
        dispatcher.register(new ApiVersionsHandler(dispatcher))
                .register(new MetadataHandler(topicAdmin, config.autoCreateTopicsEnable()))
                .register(new ProduceHandler(replicaManager, cache::image))
                .register(new FetchHandler(replicaManager, cache::image))
                .register(new ListOffsetsHandler(replicaManager, () -> tieredStorage.map(TieredStorage::remoteReads)))
                .register(new OffsetForLeaderEpochHandler(replicaManager))
                .register(new DeleteRecordsHandler(replicaManager))
                .register(new CreateTopicsHandler(topicAdmin))
                .register(new DeleteTopicsHandler(topicAdmin))
                .register(new CreatePartitionsHandler(topicAdmin))
                .register(new DescribeConfigsHandler(topicAdmin, topicConfigs, config))
                .register(new IncrementalAlterConfigsHandler(topicAdmin))
                .register(new DescribeClusterHandler(topicAdmin))
                .register(new ElectLeadersHandler(controller))
                .register(new InitProducerIdHandler(producerIds::nextProducerId))
                .register(new FindCoordinatorHandler(offsetsTopic, cache::image))
                .register(new JoinGroupHandler(groupCoordinator))
                .register(new SyncGroupHandler(groupCoordinator))
                .register(new HeartbeatHandler(groupCoordinator))
                .register(new LeaveGroupHandler(groupCoordinator))
                .register(new ListGroupsHandler(groupCoordinator))
                .register(new DescribeGroupsHandler(groupCoordinator))
                .register(new DeleteGroupsHandler(groupCoordinator))
                .register(new OffsetCommitHandler(groupCoordinator, cache::image))
                .register(new OffsetDeleteHandler(groupCoordinator, cache::image))
                .register(new GroupOffsetFetchHandler(groupCoordinator, cache::image));

        ExecutorService requestHandlers = Executors.newFixedThreadPool(config.numIoThreads(), threads("sluice-request-handler"));
        closeables.add(0, () -> {
            // No interrupts: an interrupted FileChannel write closes the channel and takes the log offline.
            requestHandlers.shutdown();
            requestHandlers.awaitTermination(10, TimeUnit.SECONDS);
        });
        BrokerConfig.Endpoint listener = config.kafkaListener();
        kafkaListener = KafkaListener.bind(new InetSocketAddress(listener.host(), listener.port()),
                config.numNetworkThreads(), config.socketRequestMaxBytes(), dispatcher, requestHandlers, metrics);
        closeables.add(0, kafkaListener);
        // An Admin client on our own listener, created on first use: the HTTP group routes and the lag metrics ask
        // the cluster (a group's coordinator may be another broker). Closed before the listener.
        LocalAdmin localAdmin = new LocalAdmin(() -> LocalAdmin.bootstrapFor(kafkaListener.boundAddress()), nodeId);
        closeables.add(0, localAdmin);

        int httpPort = 0;
        if (config.httpListener().isPresent()) {
            BrokerConfig.Endpoint http = config.httpListener().get();
            httpServer = HttpApiServer.start(http.host(), http.port(), new HttpApiServer.Services(
                    replicaManager, topicAdmin, topicConfigs, metrics, this::isReady, cache::image, localAdmin));
            closeables.add(0, httpServer);
            httpPort = httpServer.port();
        }

        BrokerConfig.Endpoint advertised = config.advertisedListener().orElse(listener);
        String host = advertised.host().equals("0.0.0.0") ? "127.0.0.1" : advertised.host();
        int port = advertised.port() == 0 || config.advertisedListener().isEmpty()
                ? kafkaListener.boundAddress().getPort() : advertised.port();
        registration = new BrokerRegistration(nodeId, host, port, httpPort, config.rack());
        BrokerMembership membership = new BrokerMembership(store, registration, config.brokerSessionTimeoutMs(),
                replicaManager::setFenced);
        membershipRef.set(membership);
        membership.start(scheduler, STARTUP_TIMEOUT.toMillis());
        closeables.add(0, membership);
        cache.awaitLatest(STARTUP_TIMEOUT).get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        awaitController(cache, STARTUP_TIMEOUT);
        ConsumerLagMetrics lagMetrics = new ConsumerLagMetrics(offsetStore::snapshot,
                new AdminLogEndOffsets(localAdmin, Duration.ofMillis(LocalAdmin.API_TIMEOUT_MS),
                        tp -> cache.image().partition(tp).isPresent()), metrics.registry());
        lagMetrics.start(scheduler, lagConfig.refreshIntervalMs());
        closeables.add(0, lagMetrics);
        ready = true;
        LOG.info("broker started nodeId={} clusterId={} kafka={} http={} logDir={}", nodeId, clusterId,
                kafkaListener.boundAddress(), httpServer == null ? "off" : "127.0.0.1:" + httpPort, config.logDir());
    }

    /**
     * Waits (bounded) until some broker is the active controller, so that clients asking this broker for the
     * controller get an answer; a cluster whose controller is being re-elected still starts after the timeout.
     */
    private static void awaitController(MetadataCache cache, Duration timeout) throws InterruptedException {
        java.util.concurrent.CompletableFuture<Void> known = new java.util.concurrent.CompletableFuture<>();
        try (MetadataCache.Subscription ignored = cache.addListener((delta, image) -> {
            if (image.controllerId() >= 0) {
                known.complete(null);
            }
        })) {
            if (cache.image().controllerId() >= 0) {
                known.complete(null);
            }
            known.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("no active controller after {} ms; serving anyway", timeout.toMillis());
        }
    }

    /** @return true once the broker is registered and serving, until it starts shutting down */
    /** The partitions this broker hosts and their logs (for tools and tests). */
    public ReplicaManager replicaManager() {
        return replicaManager;
    }

    public boolean isReady() {
        return ready;
    }

    /** @return the bound Kafka listener address */
    public InetSocketAddress kafkaAddress() {
        return kafkaListener.boundAddress();
    }

    /** @return the bound HTTP port, or 0 when the HTTP API is off */
    public int httpPort() {
        return httpServer == null ? 0 : httpServer.port();
    }

    public BrokerRegistration registration() {
        return registration;
    }

    /** @return this broker's current view of the cluster metadata */
    public io.sluice.metadata.MetadataImage metadataImage() {
        return store.cache().image();
    }

    /** Deregisters, stops the listeners, then flushes and closes the logs (a clean shutdown skips recovery). */
    @Override
    public void close() {
        ready = false;
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("error during shutdown", e);
            }
        }
        closeables.clear();
        LOG.info("broker stopped nodeId={}", config.nodeId());
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
