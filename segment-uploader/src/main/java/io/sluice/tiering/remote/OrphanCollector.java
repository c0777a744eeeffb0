package io.sluice.tiering.remote;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes objects that no registration references: the leftovers of uploads whose registration failed or whose
 * uploader died, and the remote data of deleted topics. Objects whose keys do not follow {@link ObjectKeyFactory}'s
 * scheme are never touched.
 *
 * <ul>
 *   <li>{@link #collect(Uuid, int)}: one partition (the leader runs it for the partitions it leads): lists the
 *       partition's key prefix, reads its registrations, and deletes every unreferenced object at least
 *       {@code minAge} old (by the store's {@code lastModified}). The age threshold protects uploads in flight: it
 *       must exceed {@link SegmentUploader}'s maximum upload duration (defaults: 1 h versus 30 min).</li>
 *   <li>{@link #collectDeletedTopics()}: for every topic ID that still has remote log metadata but no longer exists
 *       (checked against the metadata cache after {@code awaitLatest}), deletes the objects of its registrations and of
 *       its partition prefixes, then the metadata ({@link MetadataStore#removeRemoteLogOfDeletedTopic}); a topic ID is
 *       never reused, so no age threshold is needed.</li>
 * </ul>
 * Logs one line per collection that deleted something.
 */
public final class OrphanCollector {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanCollector.class);

    /** The default minimum age of an unreferenced object before it is deleted. */
    public static final Duration DEFAULT_MIN_AGE = Duration.ofHours(1);

    /**
     * What a collection did.
     *
     * @param scanned   objects looked at
     * @param deleted   keys deleted
     * @param tooYoung  unreferenced objects kept because they are younger than the minimum age
     */
    public record Result(int scanned, List<String> deleted, int tooYoung) {
        public Result {
            deleted = List.copyOf(deleted);
        }

        Result plus(Result other) {
            List<String> all = new ArrayList<>(deleted);
            all.addAll(other.deleted);
            return new Result(scanned + other.scanned, all, tooYoung + other.tooYoung);
        }
    }

    private final ObjectStore store;
    private final MetadataStore metadata;
    private final Time time;
    private final Duration minAge;

    public OrphanCollector(ObjectStore store, MetadataStore metadata, Time time, Duration minAge) {
        this.store = store;
        this.metadata = metadata;
        this.time = time;
        this.minAge = minAge;
    }

    /** Deletes a partition's unreferenced objects that are at least the minimum age. */
    public CompletableFuture<Result> collect(Uuid topicId, int partition) {
        String prefix = ObjectKeyFactory.partitionPrefix(topicId, partition);
        // registrations are read AFTER listing, so an object listed before its registration landed is referenced
        return store.list(prefix).thenCompose(objects -> metadata.remoteSegments(topicId, partition)
            .thenCompose(registered -> {
                Set<String> referenced = referencedKeys(registered);
                long now = time.milliseconds();
                List<String> orphans = new ArrayList<>();
                int young = 0;
                for (ObjectSummary o : objects) {
                    if (referenced.contains(o.key()) || ObjectKeyFactory.parse(o.key()).isEmpty()) {
                        continue;
                    }
                    if (now - o.lastModified().toEpochMilli() >= minAge.toMillis()) {
                        orphans.add(o.key());
                    } else {
                        young++;
                    }
                }
                Result result = new Result(objects.size(), orphans, young);
                if (orphans.isEmpty()) {
                    return CompletableFuture.completedFuture(result);
                }
                return store.delete(orphans).thenApply(v -> {
                    LOG.info("Deleted {} orphaned object(s) of {}-{} (no registration, older than {})",
                        orphans.size(), topicId, partition, minAge);
                    return result;
                });
            }));
    }

    /** Deletes the objects and remote log metadata of topics that no longer exist. */
    public CompletableFuture<Result> collectDeletedTopics() {
        return metadata.cache().awaitLatest(Duration.ofSeconds(10))
            .thenCompose(image -> metadata.remoteLogPartitions().thenCompose(partitions -> {
                CompletableFuture<Result> all = CompletableFuture.completedFuture(new Result(0, List.of(), 0));
                for (Map.Entry<Uuid, SortedSet<Integer>> topic : partitions.entrySet()) {
                    if (image.topic(topic.getKey()).isEmpty()) {
                        all = all.thenCompose(acc -> collectDeletedTopic(topic.getKey(), topic.getValue())
                            .thenApply(acc::plus));
                    }
                }
                return all;
            }));
    }

    private CompletableFuture<Result> collectDeletedTopic(Uuid topicId, SortedSet<Integer> partitions) {
        List<CompletableFuture<List<ObjectSummary>>> listings = new ArrayList<>();
        List<CompletableFuture<List<RemoteSegmentMetadata>>> registrations = new ArrayList<>();
        for (int partition : partitions) {
            listings.add(store.list(ObjectKeyFactory.partitionPrefix(topicId, partition)));
            registrations.add(metadata.remoteSegments(topicId, partition));
        }
        List<CompletableFuture<?>> reads = new ArrayList<>(listings);
        reads.addAll(registrations);
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            Set<String> keys = new TreeSet<>();
            registrations.forEach(r -> keys.addAll(referencedKeys(r.join())));
            listings.forEach(l -> l.join().forEach(o -> keys.add(o.key())));
            List<String> sorted = List.copyOf(keys);
            return store.delete(sorted)
                .thenCompose(d -> metadata.removeRemoteLogOfDeletedTopic(topicId))
                .thenApply(removed -> {
                    LOG.info("Deleted the remote data of deleted topic {}: {} object(s) in {} partition(s); "
                        + "metadata removed: {}", topicId, sorted.size(), partitions.size(), removed);
                    return new Result(sorted.size(), sorted, 0);
                });
        });
    }

    private static Set<String> referencedKeys(List<RemoteSegmentMetadata> registered) {
        Set<String> keys = new HashSet<>();
        for (RemoteSegmentMetadata r : registered) {
            keys.addAll(r.objects().keys());
        }
        return keys;
    }
}
