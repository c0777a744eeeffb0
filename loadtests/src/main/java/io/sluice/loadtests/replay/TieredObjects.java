package io.sluice.loadtests.replay;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.remote.ObjectKeyFactory;
import io.sluice.tiering.remote.ObjectKeyFactory.ParsedKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;

/**
 * Finds a topic's uploaded {@code .log} objects in the store, by the key scheme of {@link ObjectKeyFactory}
 * ({@code <hash>/<topicId>/<partition>/<20-digit base offset>-<segmentId>.log}, see {@code docs/tiered-storage.md}).
 * The listing is of objects, not of etcd registrations: an object left by an upload that failed before it was
 * registered would be listed too (the orphan collector removes those later).
 */
public final class TieredObjects {
    private TieredObjects() {
    }

    /**
     * @param store the brokers' object store
     * @param topicId the topic's ID
     * @param partitions how many partitions the topic has (ids {@code 0 .. partitions - 1})
     * @return the {@code .log} objects of the topic, by partition, then base offset (so each partition's objects
     *     come in the order a consumer replays them); fails as {@link ObjectStore#list} does
     */
    public static CompletableFuture<List<ObjectSummary>> logObjects(ObjectStore store, Uuid topicId, int partitions) {
        List<CompletableFuture<List<ObjectSummary>>> lists = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            lists.add(store.list(ObjectKeyFactory.partitionPrefix(topicId, p))
                .thenApply(all -> all.stream().filter(o -> isLogOf(o, topicId, partition)).toList()));
        }
        return CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<ObjectSummary> out = new ArrayList<>();
            lists.forEach(l -> out.addAll(l.join()));
            out.sort(Comparator.comparing((ObjectSummary o) -> parsed(o).partition())
                .thenComparingLong(o -> parsed(o).baseOffset()));
            return out;
        });
    }

    private static boolean isLogOf(ObjectSummary object, Uuid topicId, int partition) {
        Optional<ParsedKey> key = ObjectKeyFactory.parse(object.key());
        return key.isPresent() && key.get().suffix() == ObjectKeyFactory.Suffix.LOG
            && key.get().topicId().equals(topicId) && key.get().partition() == partition;
    }

    private static ParsedKey parsed(ObjectSummary object) {
        return ObjectKeyFactory.parse(object.key()).orElseThrow();
    }
}
