package io.sluice.broker.tiering;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentState;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.utils.Time;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The readable ({@code COPY_FINISHED}) remote segments of partitions this broker serves reads for, cached from etcd
 * (Kafka's {@code RemoteLogMetadataManager} role on the read path), so a replaying consumer does not cost an etcd read
 * per fetch.
 *
 * <p>Registrations only ever appear above the highest registered offset and leave from the bottom (retention), so a
 * cached list is refreshed when a lookup falls outside what it covers, when it is older than {@code maxAgeMs}, or when
 * the caller reports that a segment it found is gone ({@link #invalidate}). Concurrent refreshes of one partition share
 * one read. Thread-safe.
 */
public final class RemoteLogMetadataCache {
    private final MetadataStore metadata;
    private final Time time;
    private final long maxAgeMs;
    private final Map<TopicIdPartition, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(CompletableFuture<List<RemoteSegmentMetadata>> segments, long readAtMs) {
    }

    /**
     * @param maxAgeMs how long a partition's list is used before it is read again, milliseconds
     */
    public RemoteLogMetadataCache(MetadataStore metadata, Time time, long maxAgeMs) {
        this.metadata = metadata;
        this.time = time;
        this.maxAgeMs = maxAgeMs;
    }

    /**
     * The readable remote segments of {@code partition}, sorted by base offset, fresh enough to answer for
     * {@code offset}: re-read from etcd unless the cached list has a segment containing {@code offset}.
     */
    public CompletableFuture<List<RemoteSegmentMetadata>> segments(TopicIdPartition partition, long offset) {
        Entry entry = entries.get(partition);
        long now = time.milliseconds();
        if (entry != null && now - entry.readAtMs() <= maxAgeMs) {
            if (!entry.segments().isDone()) {
                return entry.segments();
            }
            List<RemoteSegmentMetadata> cached = entry.segments().getNow(null);
            if (cached != null && containing(cached, offset).isPresent()) {
                return entry.segments();
            }
        }
        return refresh(partition, entry);
    }

    /** All readable remote segments of {@code partition}, sorted by base offset, at most {@code maxAgeMs} old. */
    public CompletableFuture<List<RemoteSegmentMetadata>> segments(TopicIdPartition partition) {
        Entry entry = entries.get(partition);
        if (entry != null && time.milliseconds() - entry.readAtMs() <= maxAgeMs
                && !entry.segments().isCompletedExceptionally()) {
            return entry.segments();
        }
        return refresh(partition, entry);
    }

    /** Forgets {@code partition}'s list (a segment in it was deleted meanwhile). */
    public void invalidate(TopicIdPartition partition) {
        entries.remove(partition);
    }

    /** The segment of {@code segments} (sorted by base offset) whose range contains {@code offset}. */
    public static Optional<RemoteSegmentMetadata> containing(List<RemoteSegmentMetadata> segments, long offset) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            RemoteSegmentMetadata s = segments.get(mid);
            if (s.lastOffset() < offset) {
                lo = mid + 1;
            } else if (s.baseOffset() > offset) {
                hi = mid - 1;
            } else {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<List<RemoteSegmentMetadata>> refresh(TopicIdPartition partition, Entry previous) {
        Entry fresh = new Entry(new CompletableFuture<>(), time.milliseconds());
        boolean won = previous == null ? entries.putIfAbsent(partition, fresh) == null
                : entries.replace(partition, previous, fresh);
        if (!won) {
            // another caller is refreshing (or just did): share its read
            Entry current = entries.get(partition);
            return current != null ? current.segments() : refresh(partition, null);
        }
        metadata.remoteSegments(partition.topicId(), partition.partition())
                .thenApply(all -> all.stream().filter(s -> s.state() == RemoteSegmentState.COPY_FINISHED).toList())
                .whenComplete((segments, error) -> {
                    if (error != null) {
                        entries.remove(partition, fresh);
                        fresh.segments().completeExceptionally(error);
                    } else {
                        fresh.segments().complete(segments);
                    }
                });
        return fresh.segments();
    }
}
