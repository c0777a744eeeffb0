package io.sluice.broker.partition;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Completes consumer fetches whose offsets lie below the local log start offset (the log answered
 * OFFSET_MOVED_TO_TIERED_STORAGE) by reading remote storage, as Kafka's {@code DelayedRemoteFetch}: the first such
 * partition of the request is read remotely (asynchronously, off the request thread), with the byte budget the local
 * partitions left; further ones answer with no records this time (the client fetches them again). Followers are not
 * served from remote storage: they get OFFSET_MOVED_TO_TIERED_STORAGE and restart their log at the leader's local log
 * start offset (KIP-405).
 */
final class RemoteFetches {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteFetches.class);

    private final ReplicaManager replicaManager;
    private volatile RemoteLogReadFunction reader;

    RemoteFetches(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    void setReader(RemoteLogReadFunction reader) {
        this.reader = reader;
    }

    boolean needsRemoteRead(Map<TopicPartition, FetchResult> results) {
        return reader != null && results.values().stream()
                .anyMatch(r -> r.error() == Errors.OFFSET_MOVED_TO_TIERED_STORAGE);
    }

    CompletableFuture<Map<TopicPartition, FetchResult>> complete(FetchParams params,
                                                                 Map<TopicPartition, PartitionFetchRequest> requests,
                                                                 Map<TopicPartition, FetchResult> results) {
        RemoteLogReadFunction remote = reader;
        if (remote == null || params.isFromFollower()) {
            return CompletableFuture.completedFuture(results);
        }
        long localBytes = results.values().stream().mapToLong(FetchResult::sizeInBytes).sum();
        Map<TopicPartition, FetchResult> out = new LinkedHashMap<>(results);
        TopicPartition first = null;
        for (Map.Entry<TopicPartition, FetchResult> e : results.entrySet()) {
            if (e.getValue().error() != Errors.OFFSET_MOVED_TO_TIERED_STORAGE) {
                continue;
            }
            if (first == null) {
                first = e.getKey();
            } else {
                out.put(e.getKey(), noRecords(e.getKey()));
            }
        }
        TopicPartition tp = first;
        Optional<Partition> partition = replicaManager.partition(tp);
        if (partition.isEmpty()) {
            out.put(tp, FetchResult.failed(Errors.NOT_LEADER_OR_FOLLOWER));
            return CompletableFuture.completedFuture(out);
        }
        PartitionFetchRequest request = requests.get(tp);
        int limit = (int) Math.max(0, Math.min(request.maxBytes(), params.maxBytes() - localBytes));
        Partition p = partition.get();
        CompletableFuture<Map<TopicPartition, FetchResult>> done;
        try {
            done = remote.read(p.topicIdPartition(), request.fetchOffset(), limit, localBytes == 0)
                    .handle((records, error) -> {
                        if (error == null) {
                            out.put(tp, new FetchResult(Errors.NONE, p.highWatermark(), p.logStartOffset(),
                                    p.logEndOffset(), records));
                        } else {
                            Throwable cause = unwrap(error);
                            if (Errors.forException(cause) == Errors.UNKNOWN_SERVER_ERROR
                                    || Errors.forException(cause) == Errors.CORRUPT_MESSAGE) {
                                LOG.error("remote read of {} at offset {} failed", tp, request.fetchOffset(), cause);
                            }
                            out.put(tp, FetchResult.failed(cause));
                        }
                        return out;
                    });
        } catch (RuntimeException e) {
            out.put(tp, FetchResult.failed(e));
            done = CompletableFuture.completedFuture(out);
        }
        return done;
    }

    private FetchResult noRecords(TopicPartition tp) {
        return replicaManager.partition(tp)
                .map(p -> new FetchResult(Errors.NONE, p.highWatermark(), p.logStartOffset(), p.logEndOffset(),
                        MemoryRecords.EMPTY))
                .orElse(FetchResult.failed(Errors.NOT_LEADER_OR_FOLLOWER));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
