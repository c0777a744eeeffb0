package io.sluice.tiering.remote;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.tiering.objectstore.ObjectStore;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes remote segments the way KIP-405 does, in three steps per batch of at most {@value #BATCH} segments:
 * <ol>
 *   <li>{@link MetadataStore#startRemoteSegmentDeletion}: mark them {@code DELETE_STARTED} (fenced by the leader
 *       epoch: only the current leader applies retention); readers stop using them and the remote log start offset
 *       moves past them;</li>
 *   <li>delete their objects;</li>
 *   <li>{@link MetadataStore#removeRemoteSegments}: remove the registrations.</li>
 * </ol>
 * A crash between the steps leaves {@code DELETE_STARTED} registrations, which {@link #finishStartedDeletions}
 * completes (any broker may, without fencing). Choosing which segments retention deletes
 * ({@code retention.ms}/{@code retention.bytes}) is the caller's job.
 */
public final class RemoteSegmentDeleter {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSegmentDeleter.class);

    /** Segments per metadata transaction. */
    public static final int BATCH = 100;

    private final ObjectStore store;
    private final MetadataStore metadata;

    public RemoteSegmentDeleter(ObjectStore store, MetadataStore metadata) {
        this.store = store;
        this.metadata = metadata;
    }

    /**
     * Deletes {@code segments} of one partition (oldest first, as retention chooses them), as the partition leader.
     *
     * @return how many registrations were removed
     * @throws org.apache.kafka.common.errors.FencedLeaderEpochException (through the future) and the other fencing
     *         errors of {@link MetadataStore#startRemoteSegmentDeletion}: nothing more was deleted
     */
    public CompletableFuture<Integer> delete(Uuid topicId, int partition, List<RemoteSegmentMetadata> segments,
                                             int leaderEpoch, int brokerId, long brokerEpoch) {
        CompletableFuture<Integer> total = CompletableFuture.completedFuture(0);
        for (List<RemoteSegmentMetadata> batch : batches(segments)) {
            total = total.thenCompose(sum -> metadata.startRemoteSegmentDeletion(topicId, partition, batch,
                    leaderEpoch, brokerId, brokerEpoch)
                .thenCompose(marked -> finish(topicId, partition, marked))
                .thenApply(n -> sum + n));
        }
        return total;
    }

    /** Completes deletions a previous leader started: every {@code DELETE_STARTED} segment of the partition. */
    public CompletableFuture<Integer> finishStartedDeletions(Uuid topicId, int partition) {
        return metadata.remoteSegments(topicId, partition).thenCompose(all -> {
            List<RemoteSegmentMetadata> started = all.stream()
                .filter(s -> s.state() == RemoteSegmentState.DELETE_STARTED).toList();
            CompletableFuture<Integer> total = CompletableFuture.completedFuture(0);
            for (List<RemoteSegmentMetadata> batch : batches(started)) {
                total = total.thenCompose(sum -> finish(topicId, partition, batch).thenApply(n -> sum + n));
            }
            return total;
        });
    }

    private CompletableFuture<Integer> finish(Uuid topicId, int partition, List<RemoteSegmentMetadata> marked) {
        if (marked.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        List<String> keys = new ArrayList<>();
        marked.forEach(s -> keys.addAll(s.objects().keys()));
        return store.delete(keys)
            .thenCompose(v -> metadata.removeRemoteSegments(topicId, partition, marked))
            .thenApply(removed -> {
                LOG.info("Deleted {} remote segment(s) of {}-{} up to offset {} ({} objects)", removed,
                    marked.get(0).topicName(), partition, marked.get(marked.size() - 1).lastOffset(), keys.size());
                return removed;
            });
    }

    private static List<List<RemoteSegmentMetadata>> batches(List<RemoteSegmentMetadata> segments) {
        List<List<RemoteSegmentMetadata>> out = new ArrayList<>();
        for (int from = 0; from < segments.size(); from += BATCH) {
            out.add(List.copyOf(segments.subList(from, Math.min(segments.size(), from + BATCH))));
        }
        return out;
    }
}
