package io.sluice.broker.tiering;

import io.sluice.broker.partition.Partition;
import io.sluice.metadata.MetadataStore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Tells the logs of partitions this broker follows how far remote storage reaches (Kafka's
 * {@code RLMFollowerTask}): every {@code remote.log.manager.task.interval.ms} it reads the partition's
 * {@code RemoteLogState} and calls {@code PartitionLog.updateHighestOffsetInRemoteStorage}, so local retention
 * ({@code local.retention.*}) deletes on followers only what the leader has registered.
 *
 * <p>Confined to the {@link RemoteLogManager}'s thread.
 */
final class FollowerRemoteState {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerRemoteState.class);

    private final MetadataStore metadata;
    private final long intervalMs;
    private final Executor managerThread;
    private final LongSupplier nowMs;
    /** Partition → next refresh time (ms); {@link Long#MAX_VALUE} while a read is in flight. */
    private final Map<TopicPartition, Long> nextRefreshAtMs = new HashMap<>();

    FollowerRemoteState(MetadataStore metadata, long intervalMs, Executor managerThread, LongSupplier nowMs) {
        this.metadata = metadata;
        this.intervalMs = intervalMs;
        this.managerThread = managerThread;
        this.nowMs = nowMs;
    }

    void maybeRefresh(Partition p) {
        TopicPartition tp = p.topicPartition();
        long now = nowMs.getAsLong();
        if (now < nextRefreshAtMs.getOrDefault(tp, 0L)) {
            return;
        }
        nextRefreshAtMs.put(tp, Long.MAX_VALUE);
        metadata.remoteLogState(p.topicIdPartition().topicId(), tp.partition())
                .whenCompleteAsync((state, error) -> {
                    if (nextRefreshAtMs.containsKey(tp)) {
                        nextRefreshAtMs.put(tp, nowMs.getAsLong() + intervalMs);
                    }
                    if (error != null) {
                        LOG.debug("reading the remote log state of {} failed: {}", tp, error.toString());
                    } else if (!p.log().isClosed()) {
                        p.log().updateHighestOffsetInRemoteStorage(state.highestOffset());
                    }
                }, managerThread);
    }

    /** Forgets partitions no longer hosted. */
    void retainOnly(Collection<Partition> hosted) {
        Set<TopicPartition> keep = hosted.stream().filter(p -> !p.isLeader()).map(Partition::topicPartition)
                .collect(Collectors.toSet());
        nextRefreshAtMs.keySet().retainAll(keep);
    }
}
