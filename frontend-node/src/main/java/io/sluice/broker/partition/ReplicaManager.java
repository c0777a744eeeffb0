package io.sluice.broker.partition;

import io.sluice.broker.purgatory.DelayedOperationPurgatory;
import io.sluice.storage.log.FetchDataInfo;
import io.sluice.storage.log.LogAppendInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetMovedToTieredStorageException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The partitions this broker hosts, and the two data paths through them: appending produced batches and reading
 * fetched ones. Waiting (acks=all until the high watermark passes the batch; fetches until {@code min_bytes}) is
 * done in purgatories, never by blocking a thread. Both the Kafka protocol handlers and the HTTP API call this.
 */
public final class ReplicaManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localBrokerId;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory<TopicPartition> producePurgatory;
    private final DelayedOperationPurgatory<TopicPartition> fetchPurgatory;
    private final Time time;
    private final IsrUpdater isrUpdater;
    private final java.util.function.IntPredicate registeredBroker;
    private final RemoteFetches remoteFetches = new RemoteFetches(this);
    private volatile boolean fenced;

    /**
     * @param timer               runs purgatory timeouts and the ISR check
     * @param isrUpdater          writes ISR changes proposed by partitions this broker leads
     * @param registeredBroker    whether a broker id is registered in etcd now (only those join an ISR, KIP-841)
     * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long leaves the
     *                            ISR (checked every half of it)
     */
    public ReplicaManager(int localBrokerId, ScheduledExecutorService timer, Time time, IsrUpdater isrUpdater,
                          java.util.function.IntPredicate registeredBroker, long replicaLagTimeMaxMs) {
        this.registeredBroker = registeredBroker;
        this.localBrokerId = localBrokerId;
        this.time = time;
        this.isrUpdater = isrUpdater;
        this.producePurgatory = new DelayedOperationPurgatory<>("Produce", timer);
        this.fetchPurgatory = new DelayedOperationPurgatory<>("Fetch", timer);
        long period = Math.max(1, replicaLagTimeMaxMs / 2);
        timer.scheduleAtFixedRate(() -> maybeShrinkIsr(replicaLagTimeMaxMs), period, period, TimeUnit.MILLISECONDS);
    }

    public long nowMs() {
        return time.milliseconds();
    }

    /**
     * Fences (or unfences) every hosted partition: while this broker cannot be sure etcd still lists it, it must
     * not act as a leader, because the controller may already have elected another.
     */
    public void setFenced(boolean fenced) {
        if (this.fenced != fenced) {
            this.fenced = fenced;
            LOG.warn("broker {} {} all partition leadership", localBrokerId, fenced ? "fenced:" : "unfenced: resuming");
            partitions.values().forEach(p -> p.setFenced(fenced));
            partitions.keySet().forEach(this::onHighWatermarkChanged);
        }
    }

    private void maybeShrinkIsr(long replicaLagTimeMaxMs) {
        try {
            long now = time.milliseconds();
            for (Partition partition : partitions.values()) {
                partition.proposeIsrShrink(now, replicaLagTimeMaxMs).ifPresent(p -> isrUpdater.submit(partition, p));
            }
        } catch (RuntimeException e) {
            LOG.error("ISR check failed", e);
        }
    }

    public int localBrokerId() {
        return localBrokerId;
    }

    /** Starts hosting a partition (its log already open). */
    public void addPartition(Partition partition) {
        partition.setFenced(fenced);
        partitions.put(partition.topicPartition(), partition);
        LOG.info("hosting partition={} leader={} leaderEpoch={} isr={}", partition.topicPartition(),
                partition.state().leader(), partition.state().leaderEpoch(), partition.state().isr());
    }

    /** Stops hosting a partition; waiting fetches on it complete with an error. */
    public Optional<Partition> removePartition(TopicPartition tp) {
        Partition removed = partitions.remove(tp);
        if (removed != null) {
            fetchPurgatory.checkAndComplete(tp);
            producePurgatory.checkAndComplete(tp);
        }
        return Optional.ofNullable(removed);
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /**
     * @throws UnknownTopicOrPartitionException if this broker does not host the partition
     */
    public Partition getPartitionOrException(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            throw new UnknownTopicOrPartitionException("this broker does not host " + tp);
        }
        return partition;
    }

    /**
     * Appends produced batches to the leaders of their partitions.
     *
     * @param timeoutMs      for acks=all: how long to wait for the ISR, in milliseconds ({@code timeout_ms})
     * @param requiredAcks   0, 1 or -1
     * @param entriesPerPartition batches per partition, exactly as the producer sent them
     * @return per-partition results; completes once every partition is answered (at once for acks 0 and 1, when
     *         the high watermark passes the batches for acks=all, or on timeout with REQUEST_TIMED_OUT)
     */
    public CompletableFuture<Map<TopicPartition, ProduceResult>> appendRecords(
            long timeoutMs, short requiredAcks, Map<TopicPartition, MemoryRecords> entriesPerPartition) {
        Map<TopicPartition, ProduceResult> results = new LinkedHashMap<>();
        Map<TopicPartition, Long> requiredOffsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, MemoryRecords> entry : entriesPerPartition.entrySet()) {
            TopicPartition tp = entry.getKey();
            try {
                Partition partition = getPartitionOrException(tp);
                LogAppendInfo info = partition.appendRecordsToLeader(entry.getValue(), requiredAcks);
                results.put(tp, new ProduceResult(Errors.NONE, null, info.firstOffset(), info.logAppendTime(),
                        info.logStartOffset()));
                requiredOffsets.put(tp, info.lastOffset() + 1);
                fetchPurgatory.checkAndComplete(tp);
            } catch (RuntimeException e) {
                if (Errors.forException(e) == Errors.UNKNOWN_SERVER_ERROR) {
                    LOG.error("append to {} failed", tp, e);
                }
                results.put(tp, ProduceResult.failed(e));
            }
        }
        if (requiredAcks != -1 || requiredOffsets.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        CompletableFuture<Map<TopicPartition, ProduceResult>> future = new CompletableFuture<>();
        DelayedProduce delayed = new DelayedProduce(results, requiredOffsets,
                tp -> replicationStatus(tp, requiredOffsets.get(tp)), future);
        producePurgatory.tryCompleteElseWatch(delayed, requiredOffsets.keySet(), timeoutMs);
        return future;
    }

    /**
     * NONE once the high watermark reached {@code requiredOffset}; NOT_LEADER_OR_FOLLOWER if leadership moved;
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below {@code min.insync.replicas} after the append (as
     * Kafka's DelayedProduce); REQUEST_TIMED_OUT while still waiting.
     */
    private Errors replicationStatus(TopicPartition tp, long requiredOffset) {
        Partition partition = partitions.get(tp);
        if (partition == null || !partition.isLeader()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (partition.highWatermark() >= requiredOffset) {
            return Errors.NONE;
        }
        return partition.state().isr().size() < partition.minInsyncReplicas()
                ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.REQUEST_TIMED_OUT;
    }

    /** Called when a partition's high watermark may have moved: wakes waiting acks=all produces and fetches. */
    public void onHighWatermarkChanged(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    /**
     * Reads batches for a fetch, waiting up to {@code maxWaitMs} for {@code minBytes} if there is not enough yet.
     *
     * @param requests partitions in the order the client listed them; the response keeps that order
     * @return per-partition results in request order
     */
    public CompletableFuture<Map<TopicPartition, FetchResult>> fetch(FetchParams params,
                                                                     LinkedHashMap<TopicPartition, PartitionFetchRequest> requests) {
        Map<TopicPartition, FetchResult> first = readAll(params, requests);
        if (remoteFetches.needsRemoteRead(first)) {
            return remoteFetches.complete(params, requests, first);
        }
        long bytes = first.values().stream().mapToLong(FetchResult::sizeInBytes).sum();
        boolean anyError = first.values().stream().anyMatch(r -> r.error() != Errors.NONE);
        if (params.maxWaitMs() <= 0 || requests.isEmpty() || bytes >= params.minBytes() || anyError) {
            return CompletableFuture.completedFuture(first);
        }
        CompletableFuture<Map<TopicPartition, FetchResult>> future = new CompletableFuture<>();
        DelayedFetch delayed = new DelayedFetch(params.minBytes(), requests.keySet(),
                tp -> availableBytes(params, tp, requests.get(tp)),
                () -> readAll(params, requests), future);
        fetchPurgatory.tryCompleteElseWatch(delayed, requests.keySet(), params.maxWaitMs());
        return future.thenCompose(results -> remoteFetches.needsRemoteRead(results)
                ? remoteFetches.complete(params, requests, results) : CompletableFuture.completedFuture(results));
    }

    /**
     * Serves consumer fetches below the local log start offset from remote storage through {@code reader} (tiered
     * storage, KIP-405). Logs only have offsets below their local log start offset when remote storage is enabled,
     * which the broker does only together with installing a reader.
     */
    public void setRemoteLogReader(RemoteLogReadFunction reader) {
        remoteFetches.setReader(reader);
    }

    private void onFollowerFetch(Partition partition, int replicaId, long fetchOffset) {
        if (partition.updateFollowerFetchState(replicaId, fetchOffset, time.milliseconds())) {
            // the high watermark moved: acks=all produces and consumer fetches waiting for committed data can go
            onHighWatermarkChanged(partition.topicPartition());
        }
        partition.proposeIsrExpansion(registeredBroker).ifPresent(p -> isrUpdater.submit(partition, p));
    }

    private long availableBytes(FetchParams params, TopicPartition tp, PartitionFetchRequest request) {
        try {
            Partition partition = getPartitionOrException(tp);
            return partition.read(request.fetchOffset(), request.maxBytes(), true, params.isFromFollower(),
                    request.currentLeaderEpoch()).records().sizeInBytes();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private Map<TopicPartition, FetchResult> readAll(FetchParams params,
                                                     LinkedHashMap<TopicPartition, PartitionFetchRequest> requests) {
        Map<TopicPartition, FetchResult> results = new LinkedHashMap<>();
        int remaining = params.maxBytes();
        for (Map.Entry<TopicPartition, PartitionFetchRequest> entry : requests.entrySet()) {
            FetchResult result = readPartition(params, entry.getKey(), entry.getValue(), remaining,
                    results.values().stream().allMatch(r -> r.sizeInBytes() == 0));
            remaining = Math.max(0, remaining - result.sizeInBytes());
            results.put(entry.getKey(), result);
        }
        return results;
    }

    private FetchResult readPartition(FetchParams params, TopicPartition tp, PartitionFetchRequest request,
                                      int remainingResponseBytes, boolean minOneMessage) {
        try {
            Partition partition = getPartitionOrException(tp);
            int limit = Math.min(request.maxBytes(), remainingResponseBytes);
            FetchDataInfo data = partition.read(request.fetchOffset(), limit, minOneMessage,
                    params.isFromFollower(), request.currentLeaderEpoch());
            if (params.isFromFollower()) {
                onFollowerFetch(partition, params.replicaId(), request.fetchOffset());
            }
            return new FetchResult(Errors.NONE, partition.highWatermark(), partition.logStartOffset(),
                    partition.logEndOffset(), data.records());
        } catch (NotLeaderOrFollowerException | UnknownTopicOrPartitionException e) {
            return FetchResult.failed(e);
        } catch (OffsetMovedToTieredStorageException e) {
            // consumers: served from remote storage by RemoteFetches; followers: told to start at the local log start
            return FetchResult.failed(e);
        } catch (RuntimeException e) {
            if (Errors.forException(e) == Errors.UNKNOWN_SERVER_ERROR) {
                LOG.error("fetch from {} at offset {} failed", tp, request.fetchOffset(), e);
            }
            return FetchResult.failed(e);
        }
    }
}
