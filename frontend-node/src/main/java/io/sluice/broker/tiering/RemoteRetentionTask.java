package io.sluice.broker.tiering;

import io.sluice.broker.partition.Partition;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.config.EffectiveTopicConfig;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.storage.log.PartitionLog;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.remote.RemoteSegmentDeleter;
import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Remote retention for the partitions this broker leads (KIP-405; Kafka's {@code RLMExpirationTask}): at most every
 * {@code remote.log.manager.task.interval.ms} per partition it reads the partition's registrations, picks the remote
 * segments past {@code retention.ms} / {@code retention.bytes} (over the whole log) or below the log start offset
 * ({@link RemoteRetention}), deletes them with {@link RemoteSegmentDeleter} (fenced by the leader epoch and broker
 * epoch, as registration), then moves the log start offset past them. Followers learn the new log start offset from
 * fetch responses and delete their local copies below it.
 *
 * <p>It also raises the log start offset of a leader whose log starts below the remote log start (a broker that
 * started with an empty disk and so believes the log starts at 0).
 *
 * <p>Confined to the {@link RemoteLogManager}'s thread: completions come back through {@code managerThread}.
 */
final class RemoteRetentionTask {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteRetentionTask.class);

    private final int brokerId;
    private final MetadataStore metadata;
    private final RemoteSegmentDeleter deleter;
    private final Function<Partition, Optional<EffectiveTopicConfig>> topicConfig;
    private final long intervalMs;
    private final Executor managerThread;
    private final RemoteLogMetrics metrics;
    private final java.util.function.LongSupplier nowMs;

    RemoteRetentionTask(int brokerId, MetadataStore metadata, RemoteSegmentDeleter deleter,
                        Function<Partition, Optional<EffectiveTopicConfig>> topicConfig, long intervalMs,
                        Executor managerThread, RemoteLogMetrics metrics, java.util.function.LongSupplier nowMs) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.deleter = deleter;
        this.topicConfig = topicConfig;
        this.intervalMs = intervalMs;
        this.managerThread = managerThread;
        this.metrics = metrics;
        this.nowMs = nowMs;
    }

    /** Completes deletions an earlier leader started ({@code DELETE_STARTED} registrations); see the deleter. */
    CompletableFuture<Integer> finishStartedDeletions(TopicIdPartition partition) {
        return deleter.finishStartedDeletions(partition.topicId(), partition.partition());
    }

    /** Starts a retention pass for {@code p} if none is running and the last one is an interval old. */
    void maybeRun(Partition p, PartitionCopyState state, long brokerEpoch, long now) {
        if (state.retentionBusy || now < state.nextRetentionAtMs) {
            return;
        }
        Optional<EffectiveTopicConfig> config = topicConfig.apply(p);
        if (config.isEmpty()) {
            return;
        }
        state.retentionBusy = true;
        state.nextRetentionAtMs = now + intervalMs;
        TopicIdPartition tp = state.partition;
        metadata.remoteSegments(tp.topicId(), tp.partition())
                .thenComposeAsync(segments -> deleteExpired(p.log(), state, segments, config.get(), brokerEpoch),
                        managerThread)
                .whenCompleteAsync((deleted, error) -> {
                    state.retentionBusy = false;
                    if (error != null) {
                        LOG.warn("remote retention of {} failed; retrying in {} ms: {}", tp, intervalMs,
                                RemoteLogManager.unwrap(error).toString());
                        return;
                    }
                    if (!deleted.isEmpty()) {
                        RemoteSegmentMetadata last = deleted.get(deleted.size() - 1);
                        metrics.segmentsDeleted(deleted.size());
                        advanceLogStartOffset(p.log(), last.lastOffset() + 1, "remote retention");
                        LOG.info("deleted {} remote segments of {} by retention (offsets [{}, {}]); log start offset {}",
                                deleted.size(), tp, deleted.get(0).baseOffset(), last.lastOffset(),
                                p.log().logStartOffset());
                    }
                }, managerThread);
    }

    private CompletableFuture<List<RemoteSegmentMetadata>> deleteExpired(PartitionLog log, PartitionCopyState state,
                                                                         List<RemoteSegmentMetadata> segments,
                                                                         EffectiveTopicConfig config, long brokerEpoch) {
        List<RemoteSegmentMetadata> readable = segments.stream()
                .filter(s -> s.state() == RemoteSegmentState.COPY_FINISHED).toList();
        if (!readable.isEmpty() && log.logStartOffset() < readable.get(0).baseOffset()
                && log.localLogStartOffset() >= readable.get(0).baseOffset()) {
            advanceLogStartOffset(log, readable.get(0).baseOffset(), "the remote log start");
        }
        long highestRemote = log.highestOffsetInRemoteStorage();
        long onlyLocalBytes = log.segments().stream().filter(s -> s.nextOffset() - 1 > highestRemote)
                .mapToLong(SegmentInfo::sizeInBytes).sum();
        List<RemoteSegmentMetadata> expired = RemoteRetention.select(readable, log.logStartOffset(),
                config.retentionMs(), config.retentionBytes(), onlyLocalBytes, nowMs.getAsLong());
        if (expired.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        TopicIdPartition tp = state.partition;
        return deleter.delete(tp.topicId(), tp.partition(), expired, state.leaderEpoch, brokerId, brokerEpoch)
                .thenApply(n -> expired);
    }

    private static void advanceLogStartOffset(PartitionLog log, long offset, String why) {
        try {
            if (log.maybeIncrementLogStartOffset(offset)) {
                LOG.info("{}: log start offset moved to {} ({})", log.topicPartition(), offset, why);
            }
        } catch (RuntimeException e) {
            // above the high watermark of a leader that has just been elected: the next pass moves it
            LOG.debug("{}: cannot move the log start offset to {} yet: {}", log.topicPartition(), offset, e.toString());
        }
    }
}
