package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ProduceResult;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the size of a {@code __consumer_offsets} partition without log compaction (which Sluice does not have):
 * a snapshot of its committed state is appended, then the log start offset moves past what the snapshot covers, and
 * the periodic retention run ({@code log.retention.check.interval.ms}) deletes the segments wholly below it.
 *
 * <ol>
 *   <li>{@code cut} = the leader's high watermark, read once. The state is rebuilt by reading the log
 *       {@code [log start offset, cut)} ({@link OffsetsPartitionReader}): exactly the committed records, never the
 *       in-memory copy (a commit in flight is in the log but not yet in memory, or is not committed at all).</li>
 *   <li>That state is appended as snapshot records ({@link SnapshotBatches}: one per live key, with
 *       {@code "at"} = the source offset of the record it copies) in as few batches as fit {@code max.message.bytes}
 *       (and {@code segment.bytes}),
 *       as the leader with acks=all.</li>
 *   <li>Once every batch is acknowledged, {@code maybeIncrementLogStartOffset(cut)} on the leader's log; followers
 *       adopt it from fetch responses. Records in {@code [cut, first snapshot offset)} (commits in flight at the cut)
 *       stay; a loader applies records by source offset, so the snapshot does not undo them.</li>
 * </ol>
 * A crash or failure anywhere before step 3 leaves the log start offset where it was: the snapshot records already
 * appended are harmless copies (same source offsets), and the next attempt writes a new snapshot. The snapshot does
 * not change the in-memory copy (nothing it writes is news). Called from one thread at a time per partition (the
 * group loader).
 */
final class OffsetsSnapshotWriter {
    private final ReplicaManager replicaManager;
    private final Time time;
    private final long timeoutMs;

    /**
     * What one snapshot did.
     *
     * @param partition       the offsets partition
     * @param recordsBefore   records in the log before: log end offset − log start offset
     * @param recordsAfter    records in the log after: log end offset − {@code cut}
     * @param cut             the new log start offset (the high watermark when the snapshot began)
     * @param snapshotRecords how many snapshot records were appended (= live keys)
     * @param liveGroups      how many of them are groups' metadata
     * @param durationMs      from the read of the cut to the log start offset's move, milliseconds
     */
    record Result(TopicPartition partition, long recordsBefore, long recordsAfter, long cut, int snapshotRecords,
                  int liveGroups, long durationMs) {
    }

    /**
     * @param timeoutMs how long each snapshot batch waits for the ISR (acks=all), milliseconds
     */
    OffsetsSnapshotWriter(ReplicaManager replicaManager, Time time, long timeoutMs) {
        this.replicaManager = replicaManager;
        this.time = time;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Sluice's trigger: a snapshot is due when the log holds more than {@code max(minRecords, 4 × liveEntries)}
     * records, so a partition is at most about 4 times (plus {@code minRecords}) the size of its live state and the
     * work of a snapshot (reading the log, writing the live keys) is amortised over at least 3 times as many commits.
     *
     * @param recordsInLog log end offset − log start offset
     * @param liveEntries  live keys of the partition (committed offsets plus groups with metadata)
     * @param minRecords   {@code offsets.snapshot.min.records}
     */
    static boolean due(long recordsInLog, long liveEntries, long minRecords) {
        return recordsInLog > Math.max(minRecords, 4 * liveEntries);
    }

    /**
     * The largest batch the log accepts: {@code max.message.bytes}, and (as in Kafka) no batch may exceed
     * {@code segment.bytes} either (RECORD_BATCH_TOO_LARGE).
     */
    private static int maxBatchBytes(PartitionLog log) {
        return Math.min(log.config().maxMessageBytes(), log.config().segmentBytes());
    }

    /**
     * Writes a snapshot of {@code partition} (this broker must lead it) and moves its log start offset to the cut.
     *
     * @return the result once the log start offset moved, or empty at once if there is nothing below the high
     *         watermark to cut; fails with the append's error ({@code NotLeaderOrFollowerException},
     *         {@code NotEnoughReplicasException}, {@code TimeoutException}, {@code RecordTooLargeException}, ...) or
     *         with {@code NotLeaderOrFollowerException} if leadership moved before the cut could be applied; the log
     *         start offset is then unchanged
     */
    CompletableFuture<Optional<Result>> write(Partition partition) {
        long started = time.milliseconds();
        PartitionLog log = partition.log();
        long startBefore = log.logStartOffset();
        long endBefore = log.logEndOffset();
        long cut = log.highWatermark();
        if (cut <= startBefore) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<MemoryRecords> batches;
        int snapshotRecords;
        int liveGroups;
        try {
            OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log, cut);
            snapshotRecords = contents.liveEntries();
            liveGroups = contents.groups().size();
            batches = SnapshotBatches.of(contents, started, maxBatchBytes(log));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        TopicPartition tp = partition.topicPartition();
        List<CompletableFuture<Map<TopicPartition, ProduceResult>>> appends = new ArrayList<>();
        for (MemoryRecords batch : batches) {
            appends.add(replicaManager.appendRecords(timeoutMs, (short) -1, Map.of(tp, batch)));
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).thenApply(v -> {
            for (CompletableFuture<Map<TopicPartition, ProduceResult>> append : appends) {
                ProduceResult result = append.join().get(tp);
                if (result.error() != Errors.NONE) {
                    throw result.error().exception(result.errorMessage());
                }
            }
            if (!partition.isLeader()) {
                throw new NotLeaderOrFollowerException("no longer the leader of " + tp + ": snapshot not applied");
            }
            log.maybeIncrementLogStartOffset(cut);
            return Optional.of(new Result(tp, endBefore - startBefore, log.logEndOffset() - cut, cut,
                    snapshotRecords, liveGroups, time.milliseconds() - started));
        });
    }
}
