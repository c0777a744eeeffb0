package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.ProducerIdBlock;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.placement.ReplicaPlacer;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The etcd implementation of {@link MetadataStore}: one jetcd client with bounded connect and retry durations, the
 * writers (one small class per kind of write) and the watch-fed cache. See {@link MetadataStore} for the contract and
 * {@code docs/etcd-key-layout.md} for the keys.
 *
 * <p>Threads: a scheduler thread (timeouts, cache reloads), the cache's notification thread, and a cached pool on
 * which write futures complete. All are daemon threads, stopped by {@link #close()}.
 */
public final class EtcdMetadataStore implements MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdMetadataStore.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MetadataStoreConfig config;
    private final Client client;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService callbacks;
    private final EtcdMetadataCache cache;
    private final ClusterIds clusterIds;
    private final BrokerRegistrar registrar;
    private final TopicReader topicReader;
    private final TopicWriter topicWriter;
    private final PartitionStateWriter partitionWriter;
    private final ProducerIdAllocator producerIds;
    private final ControllerElections controllerElections;
    private final RemoteLogWriter remoteLogWriter;
    private final RemoteLogReader remoteLogReader;
    private final EtcdKeys keys;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EtcdMetadataStore(MetadataStoreConfig config, Client client) {
        this.config = config;
        this.client = client;
        String name = config.namespace().substring(1).replace('/', '-') + "-" + INSTANCES.incrementAndGet();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("sluice-metadata-scheduler-" + name));
        this.callbacks = Executors.newCachedThreadPool(daemon("sluice-metadata-callback-" + name));
        this.keys = new EtcdKeys(config.namespace());
        EtcdCalls calls = new EtcdCalls(config.requestTimeout());
        this.cache = new EtcdMetadataCache(client, keys, calls, scheduler, name,
            EtcdMetadataCache.DEFAULT_PAGE_SIZE);
        WriteContext ctx = new WriteContext(client.getKVClient(), keys, calls, config.brokerDefaults(), cache,
            callbacks);
        ReplicaPlacer placer = new ReplicaPlacer();
        this.clusterIds = new ClusterIds(ctx);
        this.registrar = new BrokerRegistrar(ctx, client.getLeaseClient(), config.brokerLeaseTtlSeconds());
        this.topicReader = new TopicReader(ctx);
        this.topicWriter = new TopicWriter(ctx, topicReader, placer);
        this.partitionWriter = new PartitionStateWriter(ctx);
        this.producerIds = new ProducerIdAllocator(ctx, ProducerIdBlock.DEFAULT_BLOCK_SIZE);
        this.controllerElections = new ControllerElections(ctx, client.getLeaseClient(), partitionWriter);
        this.remoteLogWriter = new RemoteLogWriter(ctx);
        this.remoteLogReader = new RemoteLogReader(ctx);
    }

    /** Builds the jetcd client (no call is made yet) and starts the cache loading in the background. */
    public static EtcdMetadataStore connect(MetadataStoreConfig config) {
        Client client = Client.builder()
            .endpoints(config.endpoints().toArray(String[]::new))
            .connectTimeout(config.connectTimeout())
            .retryMaxDuration(config.requestTimeout())
            .keepaliveTime(Duration.ofSeconds(30))
            .keepaliveTimeout(Duration.ofSeconds(10))
            .build();
        EtcdMetadataStore store = new EtcdMetadataStore(config, client);
        store.cache.start();
        LOG.info("Metadata store connecting to {} with namespace {}", config.endpoints(), config.namespace());
        return store;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public MetadataStoreConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<String> getOrCreateClusterId() {
        return clusterIds.getOrCreate();
    }

    @Override
    public CompletableFuture<BrokerLease> registerBroker(BrokerRegistration registration) {
        return registrar.register(registration);
    }

    @Override
    public CompletableFuture<TopicMetadata> createTopic(NewTopicRequest request, List<BrokerRegistration> liveBrokers) {
        return topicWriter.create(request, liveBrokers);
    }

    @Override
    public CompletableFuture<TopicMetadata> validateCreateTopic(NewTopicRequest request,
                                                                List<BrokerRegistration> liveBrokers) {
        return topicWriter.validateCreate(request, liveBrokers);
    }

    @Override
    public CompletableFuture<Optional<TopicMetadata>> describeTopic(String name) {
        return topicReader.describe(name);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        return topicWriter.delete(name);
    }

    @Override
    public CompletableFuture<TopicMetadata> createPartitions(String topic, int newTotalCount,
                                                             List<List<Integer>> newAssignments,
                                                             List<BrokerRegistration> liveBrokers) {
        return topicWriter.createPartitions(topic, newTotalCount, newAssignments, liveBrokers);
    }

    @Override
    public CompletableFuture<TopicMetadata> alterTopicConfigs(String topic, Map<String, Optional<String>> setOrDelete) {
        return topicWriter.alterConfigs(topic, setOrDelete);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition,
                                                                  PartitionState expected, PartitionState next) {
        return partitionWriter.compareAndSet(topicId, partition, expected, next);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition,
                                                                  PartitionState expected, PartitionState next,
                                                                  int writerBrokerId, long writerBrokerEpoch) {
        ByteSequence key = keys.broker(writerBrokerId);
        PartitionStateWriter.Guard registered = new PartitionStateWriter.Guard(key,
            new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(writerBrokerEpoch)),
            kv -> kv.map(k -> k.getCreateRevision() == writerBrokerEpoch).orElse(false),
            () -> new StaleBrokerEpochException("Broker " + writerBrokerId + " with broker epoch "
                + writerBrokerEpoch + " is no longer registered (its lease ended or it registered again)"));
        return partitionWriter.compareAndSet(topicId, partition, expected, next, List.of(registered),
            "broker " + writerBrokerId + " (broker epoch " + writerBrokerEpoch + ")");
    }

    @Override
    public CompletableFuture<Optional<ControllerSession>> tryBecomeController(int brokerId, Duration leaseTtl) {
        return controllerElections.tryBecomeController(brokerId, leaseTtl);
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIdBlock(int brokerId) {
        return producerIds.allocate(brokerId);
    }

    @Override
    public CompletableFuture<RemoteSegmentMetadata> registerRemoteSegment(RemoteSegmentMetadata segment,
                                                                          int leaderEpoch, int brokerId,
                                                                          long brokerEpoch) {
        return remoteLogWriter.register(segment, new RemoteLogSnapshot.Fence(leaderEpoch, brokerId, brokerEpoch));
    }

    @Override
    public CompletableFuture<List<RemoteSegmentMetadata>> remoteSegments(Uuid topicId, int partition) {
        return remoteLogReader.segments(topicId, partition);
    }

    @Override
    public CompletableFuture<RemoteLogState> remoteLogState(Uuid topicId, int partition) {
        return remoteLogReader.state(topicId, partition);
    }

    @Override
    public CompletableFuture<List<RemoteSegmentMetadata>> startRemoteSegmentDeletion(
        Uuid topicId, int partition, List<RemoteSegmentMetadata> segments, int leaderEpoch, int brokerId,
        long brokerEpoch) {
        return remoteLogWriter.startDeletion(topicId, partition, segments,
            new RemoteLogSnapshot.Fence(leaderEpoch, brokerId, brokerEpoch));
    }

    @Override
    public CompletableFuture<Integer> removeRemoteSegments(Uuid topicId, int partition,
                                                           List<RemoteSegmentMetadata> segments) {
        return remoteLogWriter.remove(topicId, partition, segments);
    }

    @Override
    public CompletableFuture<Map<Uuid, SortedSet<Integer>>> remoteLogPartitions() {
        return remoteLogReader.partitions();
    }

    @Override
    public CompletableFuture<Boolean> removeRemoteLogOfDeletedTopic(Uuid topicId) {
        return remoteLogWriter.removeDeletedTopic(topicId);
    }

    @Override
    public MetadataCache cache() {
        return cache;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        controllerElections.closeAll();
        registrar.closeAll();
        cache.close();
        scheduler.shutdownNow();
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        LOG.info("Metadata store for namespace {} closed", config.namespace());
    }
}
