package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupOwnership;
import io.sluice.broker.coordinator.group.OffsetStore;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ProduceResult;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.storage.log.FetchDataInfo;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Committed offsets kept where Kafka keeps them: in the partitions of {@code __consumer_offsets}, replicated to the
 * ISR like any partition, with an in-memory copy on the partition leader (the groups' coordinator). See
 * docs/consumer-groups.md for why (write rate, failover, no extra moving parts).
 *
 * <ul>
 *   <li><b>Commit</b>: one record batch per OffsetCommit (one record per partition, {@link OffsetRecordCodec}),
 *       appended as the leader with acks=all and {@code offsets.commit.timeout.ms} (default 5000); the in-memory copy
 *       is updated, and the future completed, only once the high watermark passed the batch: an acknowledged commit
 *       survives the loss of the coordinator.</li>
 *   <li><b>Ownership</b>: this broker owns a group while it leads the group's offsets partition and has loaded it in
 *       that leader epoch ({@link #owns}); while it loads, {@link #loading} is true (COORDINATOR_LOAD_IN_PROGRESS).</li>
 *   <li><b>Loading</b>: {@link #refreshOwnership()} (called periodically on one thread) notices leadership changes of
 *       offsets partitions hosted here; a newly led partition is read from its log start offset to its log end
 *       offset, keeping the last record per (group, partition); a partition no longer led is dropped and the
 *       coordinator told to resign its groups (members rejoin at the new coordinator).</li>
 * </ul>
 * Reads answer from memory. Thread-safe.
 */
public final class LogOffsetStore implements OffsetStore, GroupOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(LogOffsetStore.class);
    private static final int LOAD_READ_BYTES = 1 << 20;

    private final OffsetsTopic topic;
    private final ReplicaManager replicaManager;
    private final Time time;
    private final long commitTimeoutMs;
    private final Map<Integer, LoadedPartition> loaded = new ConcurrentHashMap<>();
    private final Set<Integer> loading = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Predicate<String>> onResigned = groups -> { };

    /** A loaded offsets partition: its leader epoch when loaded, and group → partition → committed offset. */
    private record LoadedPartition(int leaderEpoch, Map<String, Map<TopicPartition, CommittedOffset>> groups) {
    }

    /**
     * @param commitTimeoutMs {@code offsets.commit.timeout.ms}: how long a commit waits for the ISR, milliseconds
     */
    public LogOffsetStore(OffsetsTopic topic, ReplicaManager replicaManager, Time time, long commitTimeoutMs) {
        this.topic = topic;
        this.replicaManager = replicaManager;
        this.time = time;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    /** Where to report groups this broker stopped coordinating ({@code GroupCoordinator::onResigned}). */
    public void setResignationListener(Consumer<Predicate<String>> listener) {
        this.onResigned = listener;
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
     * Loads offsets partitions this broker has become the leader of and drops those it no longer leads. Blocking
     * (reads logs): call it from a dedicated thread, e.g. every few hundred milliseconds.
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
        try {
            Map<String, Map<TopicPartition, CommittedOffset>> groups = new ConcurrentHashMap<>();
            PartitionLog log = partition.log();
            long offset = log.logStartOffset();
            long end = log.logEndOffset();
            int records = 0;
            while (offset < end) {
                FetchDataInfo data = log.read(offset, LOAD_READ_BYTES, end, true);
                if (data.isEmpty()) {
                    break;
                }
                for (RecordBatch batch : data.records().batches()) {
                    for (Record record : batch) {
                        if (record.offset() < offset) {
                            continue;
                        }
                        records++;
                        OffsetRecordCodec.decode(record.key(), record.value()).ifPresent(r -> apply(groups, r));
                    }
                    offset = batch.nextOffset();
                }
            }
            loaded.put(p, new LoadedPartition(epoch, groups));
            LOG.info("coordinator of {}-{} at leader epoch {}: loaded {} groups from {} records in {} ms",
                    OffsetsTopic.NAME, p, epoch, groups.size(), records, time.milliseconds() - started);
        } catch (RuntimeException e) {
            LOG.warn("loading {}-{} failed; retrying: {}", OffsetsTopic.NAME, p, e.toString());
        } finally {
            loading.remove(p);
        }
    }

    private static void apply(Map<String, Map<TopicPartition, CommittedOffset>> groups,
                              OffsetRecordCodec.OffsetRecord r) {
        if (r.offset().isPresent()) {
            groups.computeIfAbsent(r.groupId(), g -> new ConcurrentHashMap<>()).put(r.partition(), r.offset().get());
        } else {
            Map<TopicPartition, CommittedOffset> offsets = groups.get(r.groupId());
            if (offsets != null) {
                offsets.remove(r.partition());
                if (offsets.isEmpty()) {
                    groups.remove(r.groupId());
                }
            }
        }
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId,
                                                                 Map<TopicPartition, CommittedOffset> offsets) {
        Map<TopicPartition, Optional<CommittedOffset>> changes = new LinkedHashMap<>();
        offsets.forEach((tp, o) -> changes.put(tp, Optional.of(o)));
        return write(groupId, changes).thenApply(v -> {
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

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        return deleteOffsets(groupId, fetch(groupId, Optional.empty()).keySet());
    }

    @Override
    public CompletableFuture<Void> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Optional<CommittedOffset>> changes = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> present = fetch(groupId, Optional.of(partitions));
        present.keySet().forEach(tp -> changes.put(tp, Optional.empty()));
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return write(groupId, changes);
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

    /** Appends the changes (a value or a tombstone per partition) and applies them once the ISR has them. */
    private CompletableFuture<Void> write(String groupId, Map<TopicPartition, Optional<CommittedOffset>> changes) {
        int p = topic.partitionFor(groupId);
        LoadedPartition state = loaded.get(p);
        if (state == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("this broker does not coordinate group "
                    + groupId));
        }
        long now = time.milliseconds();
        List<SimpleRecord> records = changes.entrySet().stream()
                .map(e -> new SimpleRecord(now, OffsetRecordCodec.key(groupId, e.getKey()),
                        e.getValue().map(OffsetRecordCodec::value).orElse(null)))
                .toList();
        TopicPartition offsetsPartition = new TopicPartition(OffsetsTopic.NAME, p);
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records.toArray(SimpleRecord[]::new));
        return replicaManager.appendRecords(commitTimeoutMs, (short) -1, Map.of(offsetsPartition, batch))
                .thenCompose(results -> {
                    ProduceResult result = results.get(offsetsPartition);
                    if (result.error() != Errors.NONE) {
                        return CompletableFuture.failedFuture(result.error().exception(result.errorMessage()));
                    }
                    if (loaded.get(p) == state) {
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
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }
}
