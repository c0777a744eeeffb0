package io.sluice.broker.tiering;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.tiering.objectstore.ObjectNotFoundException;
import io.sluice.tiering.read.RemoteLogReader;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.Records;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The broker's reads of remote storage (KIP-405): fetches below the local log start offset, ListOffsets by timestamp
 * over remote segments, and the leader epoch lineage of tiered offsets. It finds the remote segment in the
 * {@link RemoteLogMetadataCache} and reads it with the {@link RemoteLogReader} (ranged GETs, cached, read ahead,
 * every batch's CRC checked). Everything is asynchronous: nothing here blocks a request handler or event-loop thread.
 *
 * <p>Errors (through the futures): {@code OFFSET_OUT_OF_RANGE} for an offset no readable remote segment holds (the
 * registrations are re-read from etcd before giving up, also when a segment's object turned out deleted by retention); {@code CORRUPT_MESSAGE} for a batch or object
 * whose checksum does not match; the object store's error otherwise.
 */
public final class RemoteReads {
    private final RemoteLogMetadataCache segments;
    private final RemoteLogReader reader;

    public RemoteReads(RemoteLogMetadataCache segments, RemoteLogReader reader) {
        this.segments = segments;
        this.reader = reader;
    }

    /**
     * Reads whole record batches from the remote segment holding {@code fetchOffset}: the first batch returned
     * contains {@code fetchOffset}; at most {@code maxBytes} bytes unless {@code minOneMessage} lets a larger first
     * batch through; never past that segment's end (the next fetch continues in the next segment or locally).
     *
     * @param fetchOffset an offset in {@code [logStartOffset, localLogStartOffset)}
     */
    public CompletableFuture<Records> read(TopicIdPartition partition, long fetchOffset, int maxBytes,
                                           boolean minOneMessage) {
        return read(partition, fetchOffset, maxBytes, minOneMessage, true);
    }

    private CompletableFuture<Records> read(TopicIdPartition partition, long fetchOffset, int maxBytes,
                                            boolean minOneMessage, boolean retryOnMissing) {
        return segments.segments(partition, fetchOffset).thenCompose(list -> {
            Optional<RemoteSegmentMetadata> segment = RemoteLogMetadataCache.containing(list, fetchOffset);
            if (segment.isEmpty()) {
                // the list was just re-read from etcd unless a cached one already held the offset
                return CompletableFuture.failedFuture(new OffsetOutOfRangeException("offset " + fetchOffset
                        + " of " + partition + " is in no readable remote segment"));
            }
            CompletableFuture<Records> records = reader.read(segment.get(), fetchOffset, maxBytes, minOneMessage)
                    .thenApply(r -> (Records) r);
            return records.exceptionallyCompose(error -> {
                if (retryOnMissing && isNotFound(error)) {
                    segments.invalidate(partition);
                    return read(partition, fetchOffset, maxBytes, minOneMessage, false);
                }
                return CompletableFuture.failedFuture(unwrap(error));
            });
        });
    }

    /**
     * ListOffsets by timestamp over remote segments (Kafka's {@code RemoteLogManager.findOffsetByTimestamp}): the first
     * offset at or above {@code startingOffset} whose record timestamp is at least {@code timestampMs}, searching
     * registered segments in offset order that have a {@code maxTimestamp} at or above it.
     *
     * @return empty if no remote record qualifies (the caller then searches the local log)
     */
    public CompletableFuture<Optional<TimestampAndOffset>> offsetForTimestamp(TopicIdPartition partition,
                                                                                    long timestampMs,
                                                                                    long startingOffset) {
        return segments.segments(partition).thenCompose(list -> {
            List<RemoteSegmentMetadata> candidates = list.stream()
                    .filter(s -> s.lastOffset() >= startingOffset && s.maxTimestamp() >= timestampMs).toList();
            return searchInOrder(candidates, 0, timestampMs, startingOffset);
        });
    }

    private CompletableFuture<Optional<TimestampAndOffset>> searchInOrder(List<RemoteSegmentMetadata> candidates,
                                                                                int index, long timestampMs,
                                                                                long startingOffset) {
        if (index >= candidates.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return reader.findOffsetByTimestamp(candidates.get(index), timestampMs, startingOffset).thenCompose(found -> {
            Optional<TimestampAndOffset> usable = found.filter(f -> f.offset >= startingOffset);
            return usable.isPresent() ? CompletableFuture.completedFuture(usable)
                    : searchInOrder(candidates, index + 1, timestampMs, startingOffset);
        });
    }

    /**
     * The partition's leader epoch lineage up to {@code endOffset} (exclusive), from the checkpoint object of the
     * remote segment ending just below it (a replacement follower restores it before starting its local log there).
     *
     * @return empty if no readable remote segment ends at {@code endOffset - 1}
     */
    public CompletableFuture<Optional<List<EpochEntry>>> leaderEpochsBefore(TopicIdPartition partition, long endOffset) {
        return segments.segments(partition, endOffset - 1).thenCompose(list -> {
            Optional<RemoteSegmentMetadata> segment = RemoteLogMetadataCache.containing(list, endOffset - 1);
            if (segment.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return reader.leaderEpochs(segment.get()).thenApply(Optional::of);
        });
    }

    /** The remote reader's counters (bytes fetched, cache hits, corruptions), for metrics. */
    public RemoteLogReader reader() {
        return reader;
    }

    private static boolean isNotFound(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ObjectNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
