package io.sluice.broker.replication;

import io.sluice.broker.partition.Partition;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Owns the follower side of replication: one {@link ReplicaFetcher} thread per leader broker, each fetching
 * every partition this broker follows on that leader, as Kafka's {@code ReplicaFetcherManager}.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherManager.class);

    private final int localBrokerId;
    private final Supplier<MetadataImage> metadata;
    private final FetcherConfig config;
    private final Map<Integer, ReplicaFetcher> fetchersByLeader = new HashMap<>();
    private final Map<TopicPartition, Integer> leaderOf = new HashMap<>();
    private volatile RemoteLeaderEpochs remoteLeaderEpochs = RemoteLeaderEpochs.NONE;

    public ReplicaFetcherManager(int localBrokerId, Supplier<MetadataImage> metadata, FetcherConfig config) {
        this.localBrokerId = localBrokerId;
        this.metadata = metadata;
        this.config = config;
    }

    /** Where followers restarting at the leader's local log start offset find the epochs of tiered offsets. */
    public void setRemoteLeaderEpochs(RemoteLeaderEpochs remoteLeaderEpochs) {
        this.remoteLeaderEpochs = remoteLeaderEpochs;
    }

    /**
     * Starts (or restarts, after a leader change) following {@code partition} on {@code leaderId}; the fetcher
     * first truncates the local log by leader epoch, then fetches from its log end offset.
     */
    public synchronized void follow(Partition partition, int leaderId, int leaderEpoch) {
        TopicPartition tp = partition.topicPartition();
        unfollow(tp);
        ReplicaFetcher fetcher = fetchersByLeader.computeIfAbsent(leaderId, id -> {
            ReplicaFetcher created = new ReplicaFetcher(localBrokerId, id, () -> address(id), config,
                    () -> remoteLeaderEpochs);
            created.start();
            return created;
        });
        fetcher.add(partition, leaderEpoch);
        leaderOf.put(tp, leaderId);
        LOG.info("following partition={} leader={} leaderEpoch={} from offset={}", tp, leaderId, leaderEpoch,
                partition.logEndOffset());
    }

    /** Stops fetching {@code tp} (this broker leads it now, or no longer hosts it). */
    public synchronized void unfollow(TopicPartition tp) {
        Integer leader = leaderOf.remove(tp);
        if (leader == null) {
            return;
        }
        ReplicaFetcher fetcher = fetchersByLeader.get(leader);
        if (fetcher != null && fetcher.remove(tp) == 0) {
            fetchersByLeader.remove(leader);
            fetcher.shutdown();
        }
    }

    private Optional<java.net.InetSocketAddress> address(int brokerId) {
        return metadata.get().broker(brokerId)
                .map((BrokerRegistration b) -> new java.net.InetSocketAddress(b.host(), b.kafkaPort()));
    }

    @Override
    public synchronized void close() {
        fetchersByLeader.values().forEach(ReplicaFetcher::shutdown);
        fetchersByLeader.values().forEach(f -> f.awaitShutdown(5_000));
        fetchersByLeader.clear();
        leaderOf.clear();
    }
}
