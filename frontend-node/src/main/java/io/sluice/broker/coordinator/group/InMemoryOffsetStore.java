package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link OffsetStore} in a map: not durable, for tests and single-process experiments. Thread-safe; every write
 * completes immediately.
 */
public final class InMemoryOffsetStore implements OffsetStore {
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId,
                                                                 Map<TopicPartition, CommittedOffset> committed) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        offsets.compute(groupId, (id, current) -> {
            Map<TopicPartition, CommittedOffset> updated = current == null ? new HashMap<>() : new HashMap<>(current);
            updated.putAll(committed);
            return updated.isEmpty() ? null : Map.copyOf(updated);
        });
        committed.keySet().forEach(tp -> result.put(tp, Errors.NONE));
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId, Optional<Collection<TopicPartition>> partitions) {
        Map<TopicPartition, CommittedOffset> group = offsets.getOrDefault(groupId, Map.of());
        if (partitions.isEmpty()) {
            return group;
        }
        Map<TopicPartition, CommittedOffset> found = new HashMap<>();
        for (TopicPartition tp : partitions.get()) {
            CommittedOffset offset = group.get(tp);
            if (offset != null) {
                found.put(tp, offset);
            }
        }
        return found;
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        offsets.remove(groupId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        offsets.computeIfPresent(groupId, (id, current) -> {
            Map<TopicPartition, CommittedOffset> updated = new HashMap<>(current);
            partitions.forEach(updated::remove);
            return updated.isEmpty() ? null : Map.copyOf(updated);
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<String> groupsWithOffsets() {
        return Set.copyOf(offsets.keySet());
    }

    @Override
    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }
}
