package io.sluice.broker.replication;

import io.sluice.broker.partition.Partition;
import io.sluice.storage.epoch.EpochEndOffset;
import io.sluice.storage.epoch.EpochEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A follower's fetcher for every partition it follows on one leader broker (Kafka's {@code ReplicaFetcherThread}):
 * a thread that first truncates each newly followed partition by leader epoch (OffsetForLeaderEpoch, KIP-101 and
 * KIP-279: never by the high watermark alone), then repeatedly sends the leader Fetch requests carrying this
 * broker's replica id and each partition's log end offset, appends what comes back as it is (offsets, epochs and
 * CRCs kept), and adopts the leader's high watermark and log start offset.
 *
 * <p>Errors: a fenced or unknown leader epoch, NOT_LEADER_OR_FOLLOWER or an unknown partition pause that partition
 * until the metadata watch assigns it again; OFFSET_OUT_OF_RANGE resets to the leader's log (truncating to its end,
 * or restarting at its log start offset); a connection failure backs off {@code replica.fetch.backoff.ms}. The
 * thread is never interrupted (an interrupted file write would close the log): it stops when {@link #shutdown()}
 * closes its connection.
 */
final class ReplicaFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    private final int localBrokerId;
    private final int leaderId;
    private final Supplier<Optional<InetSocketAddress>> leaderAddress;
    private final FetcherConfig config;
    private final Supplier<RemoteLeaderEpochs> remoteLeaderEpochs;
    private final Thread thread;
    private final Object lock = new Object();
    private final Map<TopicPartition, FetchState> states = new LinkedHashMap<>();
    private volatile boolean running = true;
    private volatile BrokerConnection connection;
    private boolean connectionErrorLogged;

    /** Per-partition fetch state; guarded by {@link #lock} for membership, used by the fetcher thread only. */
    private static final class FetchState {
        final Partition partition;
        final int leaderEpoch;
        boolean truncated;
        long backoffUntilNanos;

        FetchState(Partition partition, int leaderEpoch) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    ReplicaFetcher(int localBrokerId, int leaderId, Supplier<Optional<InetSocketAddress>> leaderAddress,
                   FetcherConfig config, Supplier<RemoteLeaderEpochs> remoteLeaderEpochs) {
        this.remoteLeaderEpochs = remoteLeaderEpochs;
        this.localBrokerId = localBrokerId;
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
        this.config = config;
        this.thread = new Thread(this::run, "sluice-replica-fetcher-" + localBrokerId + "-from-" + leaderId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Partition partition, int leaderEpoch) {
        synchronized (lock) {
            states.put(partition.topicPartition(), new FetchState(partition, leaderEpoch));
            lock.notifyAll();
        }
    }

    /** @return how many partitions this fetcher still fetches */
    int remove(TopicPartition tp) {
        synchronized (lock) {
            states.remove(tp);
            return states.size();
        }
    }

    void shutdown() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        BrokerConnection current = connection;
        if (current != null) {
            current.close();
        }
    }

    /** Waits (bounded) for the thread to finish its current append, so logs can be closed after it. */
    void awaitShutdown(long timeoutMs) {
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            List<FetchState> ready = readyStates();
            if (ready.isEmpty()) {
                continue;
            }
            try {
                BrokerConnection conn = connect();
                if (conn == null) {
                    backOff(ready);
                    continue;
                }
                List<FetchState> toTruncate = ready.stream().filter(s -> !s.truncated).toList();
                if (!toTruncate.isEmpty()) {
                    truncate(conn, toTruncate);
                }
                List<FetchState> toFetch = ready.stream().filter(s -> s.truncated && s.backoffUntilNanos <= System.nanoTime()).toList();
                if (!toFetch.isEmpty()) {
                    fetch(conn, toFetch);
                }
            } catch (IOException e) {
                if (running && !connectionErrorLogged) {
                    LOG.warn("replica fetcher {} -> leader {}: {}; retrying every {} ms", localBrokerId, leaderId,
                            e.getMessage(), config.fetchBackoffMs());
                    connectionErrorLogged = true;
                }
                closeConnection();
                backOff(ready);
            } catch (RuntimeException e) {
                LOG.error("replica fetcher {} -> leader {} failed", localBrokerId, leaderId, e);
                closeConnection();
                backOff(ready);
            }
        }
        closeConnection();
    }

    /** Waits until some partition is due, then returns the due ones (a snapshot). */
    private List<FetchState> readyStates() {
        synchronized (lock) {
            long now = System.nanoTime();
            List<FetchState> ready = new ArrayList<>();
            long nextDue = Long.MAX_VALUE;
            for (FetchState state : states.values()) {
                if (state.backoffUntilNanos <= now) {
                    ready.add(state);
                } else {
                    nextDue = Math.min(nextDue, state.backoffUntilNanos);
                }
            }
            if (ready.isEmpty() && running) {
                long waitMs = nextDue == Long.MAX_VALUE ? 1_000 : Math.max(1, (nextDue - now) / 1_000_000);
                try {
                    lock.wait(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            return ready;
        }
    }

    private BrokerConnection connect() throws IOException {
        if (connection != null) {
            return connection;
        }
        Optional<InetSocketAddress> address = leaderAddress.get();
        if (address.isEmpty()) {
            return null;
        }
        connection = new BrokerConnection(address.get(), "sluice-replica-fetcher-" + localBrokerId, 5_000,
                config.fetchMaxWaitMs() + config.socketTimeoutMs());
        if (connectionErrorLogged) {
            LOG.info("replica fetcher {} reconnected to leader {} at {}", localBrokerId, leaderId, address.get());
            connectionErrorLogged = false;
        }
        return connection;
    }

    private void closeConnection() {
        BrokerConnection current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
    }

    private void backOff(List<FetchState> states) {
        long until = System.nanoTime() + config.fetchBackoffMs() * 1_000_000L;
        states.forEach(s -> s.backoffUntilNanos = until);
    }

    private boolean stillFollowed(FetchState state) {
        synchronized (lock) {
            return states.get(state.partition.topicPartition()) == state;
        }
    }

    /**
     * Truncates each partition to where its log diverges from the leader's (KIP-279): ask the leader for the end
     * offset of our latest epoch; keep up to the smaller of that and our own end offset of the epoch the leader
     * answered with.
     */
    private void truncate(BrokerConnection conn, List<FetchState> pending) throws IOException {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        Map<TopicPartition, FetchState> asked = new HashMap<>();
        for (FetchState state : pending) {
            var latest = state.partition.log().leaderEpochCache().latestEpoch();
            if (latest.isEmpty()) {
                state.truncated = true;
                continue;
            }
            TopicPartition tp = state.partition.topicPartition();
            OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic());
                topics.add(topic);
            }
            topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                    .setPartition(tp.partition()).setCurrentLeaderEpoch(state.leaderEpoch)
                    .setLeaderEpoch(latest.getAsInt()));
            asked.put(tp, state);
        }
        if (asked.isEmpty()) {
            return;
        }
        OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) conn.send(
                OffsetsForLeaderEpochRequest.Builder.forFollower(topics, localBrokerId)
                        .build(ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion()));
        for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topic : response.data().topics()) {
            for (OffsetForLeaderEpochResponseData.EpochEndOffset result : topic.partitions()) {
                FetchState state = asked.get(new TopicPartition(topic.topic(), result.partition()));
                if (state == null || !stillFollowed(state)) {
                    continue;
                }
                Errors error = Errors.forCode(result.errorCode());
                if (error != Errors.NONE) {
                    LOG.info("truncation of partition={} waits: leader {} answered {}", state.partition.topicPartition(),
                            leaderId, error);
                    backOff(List.of(state));
                    continue;
                }
                truncateTo(state, result.leaderEpoch(), result.endOffset());
            }
        }
    }

    private void truncateTo(FetchState state, int leaderEpoch, long leaderEndOffset) {
        Partition partition = state.partition;
        long logEnd = partition.logEndOffset();
        long target;
        if (leaderEpoch < 0) {
            target = Math.min(partition.highWatermark(), logEnd);   // KIP-101 fallback: the leader knows no epoch of ours
        } else {
            EpochEndOffset local = partition.log().leaderEpochCache().endOffsetFor(leaderEpoch, logEnd);
            target = local.epoch() < 0 ? Math.min(leaderEndOffset, logEnd) : Math.min(leaderEndOffset, local.endOffset());
        }
        if (target < logEnd) {
            partition.log().truncateTo(target);
            LOG.info("truncated partition={} from logEndOffset={} to {} (leader {} epoch {} ends at {})",
                    partition.topicPartition(), logEnd, target, leaderId, leaderEpoch, leaderEndOffset);
        }
        state.truncated = true;
    }

    private void fetch(BrokerConnection conn, List<FetchState> toFetch) throws IOException {
        Map<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        Map<Uuid, String> topicNames = new HashMap<>();
        Map<TopicPartition, FetchState> byPartition = new HashMap<>();
        for (FetchState state : toFetch) {
            Partition partition = state.partition;
            TopicPartition tp = partition.topicPartition();
            Uuid topicId = partition.topicIdPartition().topicId();
            topicNames.put(topicId, tp.topic());
            byPartition.put(tp, state);
            data.put(tp, new FetchRequest.PartitionData(topicId, partition.logEndOffset(), partition.logStartOffset(),
                    config.fetchMaxBytes(), Optional.of(state.leaderEpoch), Optional.empty()));
        }
        short version = ApiKeys.FETCH.latestVersion();
        FetchRequest request = FetchRequest.Builder.forReplica(version, localBrokerId, -1L, config.fetchMaxWaitMs(),
                config.fetchMinBytes(), data).setMaxBytes(config.fetchResponseMaxBytes()).build(version);
        FetchResponse response = (FetchResponse) conn.send(request);
        Errors topLevel = Errors.forCode(response.data().errorCode());
        if (topLevel != Errors.NONE) {
            LOG.warn("fetch from leader {} failed: {}", leaderId, topLevel);
            backOff(toFetch);
            return;
        }
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            String name = topic.topic() == null || topic.topic().isEmpty() ? topicNames.get(topic.topicId()) : topic.topic();
            for (FetchResponseData.PartitionData partitionData : topic.partitions()) {
                FetchState state = byPartition.get(new TopicPartition(name, partitionData.partitionIndex()));
                if (state != null && stillFollowed(state)) {
                    handlePartition(conn, state, partitionData);
                }
            }
        }
    }

    private void handlePartition(BrokerConnection conn, FetchState state, FetchResponseData.PartitionData data)
            throws IOException {
        Partition partition = state.partition;
        Errors error = Errors.forCode(data.errorCode());
        switch (error) {
            case NONE -> {
                try {
                    MemoryRecords records = (MemoryRecords) data.records();
                    if (records != null && records.sizeInBytes() > 0) {
                        partition.appendRecordsAsFollower(records, data.highWatermark());
                    } else {
                        partition.updateFollowerHighWatermark(data.highWatermark());
                    }
                    if (data.logStartOffset() > partition.logStartOffset()) {
                        partition.log().maybeIncrementLogStartOffset(data.logStartOffset());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("appending fetched data to partition={} failed ({}); truncating again", partition.topicPartition(),
                            e.toString());
                    state.truncated = false;
                    backOff(List.of(state));
                }
            }
            case OFFSET_OUT_OF_RANGE -> resetToLeaderLog(conn, state);
            case OFFSET_MOVED_TO_TIERED_STORAGE -> restartAtLeaderLocalLog(conn, state);
            default -> {
                LOG.debug("fetch of partition={} from leader {} answered {}", partition.topicPartition(), leaderId, error);
                backOff(List.of(state));
            }
        }
    }

    /**
     * The leader does not have our fetch offset: restart at its log start offset if we are behind it, or truncate
     * to its log end offset if we are ahead (which epoch truncation should already have prevented).
     */
    private void resetToLeaderLog(BrokerConnection conn, FetchState state) throws IOException {
        Partition partition = state.partition;
        long leaderStart = listOffset(conn, state, ListOffsetsRequest.EARLIEST_TIMESTAMP);
        long leaderEnd = listOffset(conn, state, ListOffsetsRequest.LATEST_TIMESTAMP);
        if (leaderStart < 0 || leaderEnd < 0) {
            backOff(List.of(state));
            return;
        }
        long logEnd = partition.logEndOffset();
        if (logEnd > leaderEnd) {
            partition.log().truncateTo(leaderEnd);
            LOG.warn("partition={} was ahead of leader {} (logEndOffset {} > {}); truncated", partition.topicPartition(),
                    leaderId, logEnd, leaderEnd);
        } else if (logEnd < leaderStart) {
            partition.log().truncateFullyAndStartAt(leaderStart);
            LOG.info("partition={} restarts at the leader's log start offset {}", partition.topicPartition(), leaderStart);
        }
    }

    /**
     * The offset we fetch is only in the leader's remote storage (KIP-405): this replica does not copy history. It
     * restarts its log empty at the leader's local log start offset, keeps the leader's log start offset (history is
     * served from remote storage), and restores the leader epochs of the tiered offsets from the remote segment's
     * leader-epoch checkpoint. Replacing a broker therefore costs the local tail, not the whole retention.
     */
    private void restartAtLeaderLocalLog(BrokerConnection conn, FetchState state) throws IOException {
        Partition partition = state.partition;
        long leaderLocalStart = listOffset(conn, state, ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP);
        long leaderStart = listOffset(conn, state, ListOffsetsRequest.EARLIEST_TIMESTAMP);
        if (leaderLocalStart < 0 || leaderStart < 0 || leaderStart > leaderLocalStart) {
            backOff(List.of(state));
            return;
        }
        Optional<List<EpochEntry>> epochs;
        try {
            epochs = remoteLeaderEpochs.get().before(partition.topicIdPartition(), leaderLocalStart)
                    .get(config.socketTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("partition={}: reading the leader epochs below offset {} from remote storage failed ({}); "
                    + "retrying", partition.topicPartition(), leaderLocalStart, e.toString());
            backOff(List.of(state));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        partition.log().truncateFullyAndStartAt(leaderLocalStart, Math.min(leaderStart, leaderLocalStart));
        epochs.ifPresent(entries -> partition.log().restoreLeaderEpochs(entries));
        LOG.info("partition={} restarts at the leader's local log start offset {} (log start offset {}; {} leader "
                + "epochs restored from remote storage); earlier offsets stay in remote storage",
                partition.topicPartition(), leaderLocalStart, leaderStart, epochs.map(List::size).orElse(0));
    }

    private long listOffset(BrokerConnection conn, FetchState state, long timestamp) throws IOException {
        TopicPartition tp = state.partition.topicPartition();
        List<ListOffsetsRequestData.ListOffsetsTopic> topics = List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(tp.topic()).setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(tp.partition()).setCurrentLeaderEpoch(state.leaderEpoch).setTimestamp(timestamp))));
        short version = ApiKeys.LIST_OFFSETS.latestVersion();
        ListOffsetsResponse response = (ListOffsetsResponse) conn.send(
                ListOffsetsRequest.Builder.forReplica(version, localBrokerId).setTargetTimes(topics).build(version));
        for (ListOffsetsResponseData.ListOffsetsTopicResponse topic : response.data().topics()) {
            for (ListOffsetsResponseData.ListOffsetsPartitionResponse p : topic.partitions()) {
                if (p.errorCode() == Errors.NONE.code()) {
                    return p.offset();
                }
            }
        }
        return -1L;
    }
}
