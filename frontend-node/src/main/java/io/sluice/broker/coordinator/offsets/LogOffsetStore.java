package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.group.GroupMetadataStore;
import io.sluice.broker.coordinator.group.GroupOwnership;
import io.sluice.broker.coordinator.group.OffsetStore;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ProduceResult;
import io.sluice.broker.partition.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Committed offsets and group metadata kept where Kafka keeps them: in the partitions of {@code __consumer_offsets},
 * replicated to the ISR like any partition, with an in-memory copy of the offsets on the partition leader (the groups'
 * coordinator). See docs/consumer-groups.md for why (write rate, failover, no extra moving parts).
 *
 * <ul>
 *   <li><b>Commit</b>: one record batch per OffsetCommit (one record per partition, {@link OffsetRecordCodec}),
 *       appended as the leader with acks=all and {@code offsets.commit.timeout.ms} (default 5000); the in-memory copy
 *       is updated, and the future completed, only once the high watermark passed the batch: an acknowledged commit
 *       survives the loss of the coordinator.</li>
 *   <li><b>Group metadata</b> ({@link #storeGroup}): one "group" record, appended the same way; not kept in memory
 *       here (the coordinator holds its groups). DeleteGroups ({@link #deleteGroup}) writes the offsets' tombstones
 *       and the group's tombstone in one batch.</li>
 *   <li><b>Ownership</b>: this broker owns a group while it leads the group's offsets partition and has loaded it in
 *       that leader epoch ({@link #owns}); while it loads, {@link #loading} is true (COORDINATOR_LOAD_IN_PROGRESS).</li>
 *   <li><b>Loading</b>: {@link #refreshOwnership()} (called periodically on one thread) notices leadership changes of
 *       offsets partitions hosted here; a newly led partition is replayed from its log start offset to its log end
 *       offset ({@link OffsetsPartitionReader}), its groups' stored metadata handed to the group load listener
 *       ({@code GroupCoordinator::onLoaded}) and only then is the partition's loading over; a partition no longer led
 *       is dropped and the resignation listener told to drop its groups.</li>
 *   <li><b>Size</b>: Sluice has no log compaction, so {@link #refreshOwnership()} also bounds each loaded
 *       partition: when it holds more than {@code max(offsets.snapshot.min.records, 4 × live keys)} records
 *       (live keys: committed offsets in memory plus groups with stored metadata at the last load or snapshot), a
 *       snapshot of its committed state is appended and the log start offset moved past what it covers
 *       ({@link OffsetsSnapshotWriter}); the retention run then deletes the old segments. A snapshot does not
 *       change the in-memory copy.</li>
 * </ul>
 * Reads answer from memory. Thread-safe.
 */
public final class LogOffsetStore implements OffsetStore, GroupMetadataStore, GroupOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(LogOffsetStore.class);
    private static final long HANDOFF_TIMEOUT_MS = 30_000;
    /** After a failed snapshot, the loader waits this long before trying that partition again, milliseconds. */
    private static final long SNAPSHOT_RETRY_BACKOFF_MS = 10_000;

    private final OffsetsTopic topic;
    private final ReplicaManager replicaManager;
    private final Time time;
    private final long commitTimeoutMs;
    private final Map<Integer, LoadedPartition> loaded = new ConcurrentHashMap<>();
    private final Set<Integer> loading = ConcurrentHashMap.newKeySet();
    private final Set<Integer> snapshotting = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> snapshotRetryAtMs = new ConcurrentHashMap<>();
    private final OffsetsSnapshotWriter snapshots;
    private volatile Consumer<Predicate<String>> onResigned = groups -> { };
    private volatile Function<Collection<GroupMetadata>, ? extends CompletionStage<?>> onLoaded =
            groups -> CompletableFuture.completedFuture(null);

    /**
     * A loaded offsets partition: its leader epoch when loaded, group → partition → committed offset, and how many
     * groups had stored metadata at the last load or snapshot (for the snapshot trigger).
     */
    private record LoadedPartition(int leaderEpoch, Map<String, Map<TopicPartition, CommittedOffset>> groups,
                                   AtomicInteger storedGroups) {
        int liveEntries() {
            int entries = storedGroups.get();
            for (Map<TopicPartition, CommittedOffset> offsets : groups.values()) {
                entries += offsets.size();
            }
            return entries;
        }
    }

    /**
     * @param commitTimeoutMs {@code offsets.commit.timeout.ms}: how long a commit waits for the ISR, milliseconds
     */
    public LogOffsetStore(OffsetsTopic topic, ReplicaManager replicaManager, Time time, long commitTimeoutMs) {
        this.topic = topic;
        this.replicaManager = replicaManager;
        this.time = time;
        this.commitTimeoutMs = commitTimeoutMs;
        this.snapshots = new OffsetsSnapshotWriter(replicaManager, time, commitTimeoutMs);
    }

    /** Where to report groups this broker stopped coordinating ({@code GroupCoordinator::onResigned}). */
    public void setResignationListener(Consumer<Predicate<String>> listener) {
        this.onResigned = listener;
    }

    /**
     * Where to hand the stored metadata of the groups of a partition this broker has just loaded
     * ({@code GroupCoordinator::onLoaded}). The partition stays "loading" until the returned stage completes (at most
     * 30 s; if it fails or times out, the load is retried).
     */
    public void setGroupLoadListener(Function<Collection<GroupMetadata>, ? extends CompletionStage<?>> listener) {
        this.onLoaded = listener;
    }

    @Override
    public boolean owns(String groupId) {
        int p = topic.partitionFor(groupId);
        LoadedPartition state = loaded.get(p);
        if (state == null) {
            return false;
        }
        return replicaManager.partition(new TopicPartition(OffsetsTopic.NAME, p))
                .filter(Partition::isLeader)
                .map(partition -> partition.state().leaderEpoch() == state.leaderEpoch())
                .orElse(false);
    }

    @Override
    public boolean loading(String groupId) {
        return loading.contains(topic.partitionFor(groupId));
    }

    /**
     * Loads offsets partitions this broker has become the leader of and drops those it no longer leads, then writes
     * a snapshot of each loaded partition whose log is due one ({@link #snapshotIfDue}, waiting for it). Blocking
     * (reads logs, waits for the group load listener and for snapshot appends): call it from a dedicated thread,
     * e.g. every few hundred milliseconds.
     */
    public void refreshOwnership() {
        Set<Integer> led = new HashSet<>();
        for (Partition partition : replicaManager.partitions()) {
            if (!partition.topicPartition().topic().equals(OffsetsTopic.NAME) || !partition.isLeader()) {
                continue;
            }
            int p = partition.topicPartition().partition();
            led.add(p);
            LoadedPartition current = loaded.get(p);
            int epoch = partition.state().leaderEpoch();
            if (current == null || current.leaderEpoch() != epoch) {
                if (current != null) {
                    resign(p);
                }
                load(p, partition, epoch);
            }
        }
        for (Integer p : Set.copyOf(loaded.keySet())) {
            if (!led.contains(p)) {
                resign(p);
            }
        }
        for (Integer p : Set.copyOf(loaded.keySet())) {
            awaitSnapshot(p);
        }
    }

    private void awaitSnapshot(int p) {
        if (time.milliseconds() < snapshotRetryAtMs.getOrDefault(p, Long.MIN_VALUE)) {
            return;
        }
        try {
            snapshotIfDue(p).get(commitTimeoutMs + HANDOFF_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            snapshotRetryAtMs.remove(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause() != null ? e.getCause() : e;
            snapshotRetryAtMs.put(p, time.milliseconds() + SNAPSHOT_RETRY_BACKOFF_MS);
            LOG.warn("snapshot of {}-{} failed; the log start offset is unchanged, retrying in {} ms: {}",
                    OffsetsTopic.NAME, p, SNAPSHOT_RETRY_BACKOFF_MS, cause.toString());
        }
    }

    /**
     * Writes a snapshot of offsets partition {@code p} if this broker leads and has loaded it, no snapshot of it is
     * in progress, and it holds more than {@code max(offsets.snapshot.min.records, 4 × live keys)} records
     * ({@link OffsetsSnapshotWriter#due}); logs one INFO line per snapshot.
     *
     * @return the snapshot's result once the log start offset moved, empty at once if none was due or possible;
     *         fails as {@link OffsetsSnapshotWriter#write} does
     */
    CompletableFuture<Optional<OffsetsSnapshotWriter.Result>> snapshotIfDue(int p) {
        LoadedPartition state = loaded.get(p);
        Optional<Partition> partition = replicaManager.partition(new TopicPartition(OffsetsTopic.NAME, p))
                .filter(Partition::isLeader)
                .filter(led -> state != null && led.state().leaderEpoch() == state.leaderEpoch());
        if (partition.isEmpty() || !OffsetsSnapshotWriter.due(partition.get().logEndOffset()
                - partition.get().logStartOffset(), state.liveEntries(), topic.snapshotMinRecords())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!snapshotting.add(p)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<OffsetsSnapshotWriter.Result>> written;
        try {
            written = snapshots.write(partition.get());
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        return written.whenComplete((result, error) -> {
            snapshotting.remove(p);
            if (result != null) {
                result.ifPresent(r -> {
                    state.storedGroups().set(r.liveGroups());
                    LOG.info("snapshot of {}: records {} -> {}, log start offset (cut) {}, {} snapshot records, "
                                    + "{} ms", r.partition(), r.recordsBefore(), r.recordsAfter(), r.cut(),
                            r.snapshotRecords(), r.durationMs());
                });
            }
        });
    }

    private void resign(int p) {
        if (loaded.remove(p) != null) {
            LOG.info("no longer the coordinator of {}-{}: dropping its groups", OffsetsTopic.NAME, p);
            onResigned.accept(group -> topic.partitionFor(group) == p);
        }
    }

    private void load(int p, Partition partition, int epoch) {
        loading.add(p);
        long started = time.milliseconds();
        LoadedPartition state = null;
        try {
            OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(partition.log());
            state = new LoadedPartition(epoch, contents.offsets(), new AtomicInteger(contents.groups().size()));
            loaded.put(p, state);
            onLoaded.apply(contents.groups().values()).toCompletableFuture()
                    .get(HANDOFF_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.info("coordinator of {}-{} at leader epoch {}: loaded {} groups with offsets and {} with members' "
                            + "metadata from {} records in {} ms", OffsetsTopic.NAME, p, epoch,
                    contents.offsets().size(), contents.groups().size(), contents.records(),
                    time.milliseconds() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropFailedLoad(p, state);
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.warn("loading {}-{} failed; retrying: {}", OffsetsTopic.NAME, p, e.toString());
            dropFailedLoad(p, state);
        } finally {
            loading.remove(p);
        }
    }

    private void dropFailedLoad(int p, LoadedPartition state) {
        if (state != null && loaded.remove(p, state)) {
            onResigned.accept(group -> topic.partitionFor(group) == p);
        }
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId,
                                                                 Map<TopicPartition, CommittedOffset> offsets) {
        Map<TopicPartition, Optional<CommittedOffset>> changes = new LinkedHashMap<>();
        offsets.forEach((tp, o) -> changes.put(tp, Optional.of(o)));
        return write(groupId, changes, false).thenApply(v -> {
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            offsets.keySet().forEach(tp -> result.put(tp, Errors.NONE));
            return result;
        });
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId, Optional<Collection<TopicPartition>> partitions) {
        LoadedPartition state = loaded.get(topic.partitionFor(groupId));
        Map<TopicPartition, CommittedOffset> all = state == null ? Map.of()
                : state.groups().getOrDefault(groupId, Map.of());
        if (partitions.isEmpty()) {
            return Map.copyOf(all);
        }
        Map<TopicPartition, CommittedOffset> found = new HashMap<>();
        for (TopicPartition tp : partitions.get()) {
            CommittedOffset o = all.get(tp);
            if (o != null) {
                found.put(tp, o);
            }
        }
        return found;
    }

    /**
     * DeleteGroups: tombstones for every committed offset of the group and for its group metadata, in one batch (so
     * a later coordinator loads neither).
     */
    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        Map<TopicPartition, Optional<CommittedOffset>> changes = new LinkedHashMap<>();
        fetch(groupId, Optional.empty()).keySet().forEach(tp -> changes.put(tp, Optional.empty()));
        return write(groupId, changes, true);
    }

    @Override
    public CompletableFuture<Void> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Optional<CommittedOffset>> changes = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> present = fetch(groupId, Optional.of(partitions));
        present.keySet().forEach(tp -> changes.put(tp, Optional.empty()));
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return write(groupId, changes, false);
    }

    /** Appends the group's metadata record (acks=all); completes once the ISR has it. */
    @Override
    public CompletableFuture<Void> storeGroup(GroupMetadata group) {
        SimpleRecord record = new SimpleRecord(time.milliseconds(), OffsetRecordCodec.groupKey(group.groupId()),
                OffsetRecordCodec.groupValue(group));
        return append(group.groupId(), List.of(record), state -> { });
    }

    @Override
    public Set<String> groupsWithOffsets() {
        Set<String> groups = new HashSet<>();
        loaded.values().forEach(state -> groups.addAll(state.groups().keySet()));
        return groups;
    }

    /** Snapshot of every group's committed offsets this broker coordinates (for lag metrics and the HTTP API). */
    public Map<String, Map<TopicPartition, CommittedOffset>> snapshot() {
        Map<String, Map<TopicPartition, CommittedOffset>> all = new HashMap<>();
        loaded.values().forEach(state -> state.groups().forEach((g, offsets) -> all.put(g, Map.copyOf(offsets))));
        return all;
    }

    /**
     * Appends the offset changes (a value or a tombstone per partition), plus the group's tombstone if
     * {@code deleteGroup}, and applies the offset changes in memory once the ISR has them.
     */
    private CompletableFuture<Void> write(String groupId, Map<TopicPartition, Optional<CommittedOffset>> changes,
                                          boolean deleteGroup) {
        long now = time.milliseconds();
        List<SimpleRecord> records = new ArrayList<>();
        changes.forEach((tp, o) -> records.add(new SimpleRecord(now, OffsetRecordCodec.key(groupId, tp),
                o.map(OffsetRecordCodec::value).orElse(null))));
        if (deleteGroup) {
            records.add(new SimpleRecord(now, OffsetRecordCodec.groupKey(groupId), null));
        }
        return append(groupId, records, state -> {
            Map<TopicPartition, CommittedOffset> offsets =
                    state.groups().computeIfAbsent(groupId, g -> new ConcurrentHashMap<>());
            changes.forEach((tp, o) -> {
                if (o.isPresent()) {
                    offsets.put(tp, o.get());
                } else {
                    offsets.remove(tp);
                }
            });
            if (offsets.isEmpty()) {
                state.groups().remove(groupId, offsets);
            }
        });
    }

    /**
     * Appends records to the group's offsets partition as its leader with acks=all; once the high watermark passed
     * them, runs {@code onDurable} on the partition's in-memory state (if it is still the state loaded when the
     * write began) and completes. Fails with NotCoordinatorException if this broker has not loaded the partition, or
     * with the append's error (NotEnoughReplicas, NotLeaderOrFollower, timeout, ...).
     */
    private CompletableFuture<Void> append(String groupId, List<SimpleRecord> records,
                                           Consumer<LoadedPartition> onDurable) {
        int p = topic.partitionFor(groupId);
        LoadedPartition state = loaded.get(p);
        if (state == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("this broker does not coordinate group "
                    + groupId));
        }
        TopicPartition offsetsPartition = new TopicPartition(OffsetsTopic.NAME, p);
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records.toArray(SimpleRecord[]::new));
        return replicaManager.appendRecords(commitTimeoutMs, (short) -1, Map.of(offsetsPartition, batch))
                .thenCompose(results -> {
                    ProduceResult result = results.get(offsetsPartition);
                    if (result.error() != Errors.NONE) {
                        return CompletableFuture.failedFuture(result.error().exception(result.errorMessage()));
                    }
                    if (loaded.get(p) == state) {
                        onDurable.accept(state);
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }
}
