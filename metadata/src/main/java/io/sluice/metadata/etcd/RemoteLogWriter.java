package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentMetadataJson;
import io.sluice.metadata.remote.RemoteSegmentOverlapException;
import io.sluice.metadata.remote.RemoteSegmentState;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Writes of the remote log metadata ({@code <ns>/remote-log/v1/...}), each one etcd transaction:
 * <ul>
 *   <li>register: guarded by {@link RemoteLogSnapshot#unchanged} (topic exists, partition state, writer's broker
 *       registration and the remote log summary as read, after the fence was checked on that read) and
 *       {@code version(segments/<id>/<p>/<base>) == 0}; puts the segment and the new summary;</li>
 *   <li>start deletion: the same guard plus {@code mod_revision} of every segment changed; puts each segment as
 *       {@code DELETE_STARTED} and the new summary;</li>
 *   <li>remove: {@code mod_revision} of every removed segment (each read as {@code DELETE_STARTED}); deletes them;
 *       </li>
 *   <li>remove a deleted topic's remote log: {@code version(topics/<id>) == 0}; deletes both prefixes.</li>
 * </ul>
 * A lost race re-reads and re-checks (so a leader change in between surfaces as the fence's error). Logs one line
 * per change.
 */
final class RemoteLogWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteLogWriter.class);

    /** The most segments one deletion call takes (etcd allows 128 comparisons per transaction by default). */
    static final int MAX_SEGMENTS_PER_CALL = 100;

    private final WriteContext ctx;

    RemoteLogWriter(WriteContext ctx) {
        this.ctx = ctx;
    }

    CompletableFuture<RemoteSegmentMetadata> register(RemoteSegmentMetadata segment, RemoteLogSnapshot.Fence fence) {
        if (segment.state() != RemoteSegmentState.COPY_FINISHED) {
            return CompletableFuture.failedFuture(new InvalidRequestException("Only a COPY_FINISHED segment can be "
                + "registered, not " + segment.state() + ": " + segment));
        }
        if (segment.leaderEpoch() != fence.leaderEpoch() || segment.brokerId() != fence.brokerId()) {
            return CompletableFuture.failedFuture(new InvalidRequestException("The segment names leader epoch "
                + segment.leaderEpoch() + " and broker " + segment.brokerId() + " but is registered by " + fence));
        }
        String what = "register remote segment " + segment.segmentId() + " of " + segment.topicId() + "-"
            + segment.partition();
        return CasRetry.run(what, () -> RemoteLogSnapshot.read(ctx, segment.topicId(), segment.partition(), fence,
                List.of(segment.baseOffset()))
            .thenCompose(snapshot -> attemptRegister(segment, fence, snapshot, what)));
    }

    private CompletableFuture<Optional<RemoteSegmentMetadata>> attemptRegister(RemoteSegmentMetadata segment,
                                                                               RemoteLogSnapshot.Fence fence,
                                                                               RemoteLogSnapshot snapshot,
                                                                               String what) {
        Optional<KeyValue> existing = snapshot.segment(0);
        if (existing.isPresent()) {
            RemoteSegmentMetadata registered = RemoteLogSnapshot.decodeSegment(existing.get());
            if (registered.segmentId().equals(segment.segmentId())) {
                // an earlier attempt of this registration was applied (e.g. its answer timed out): done, whatever
                // happened since, so the caller never deletes the objects of a registered segment
                return CompletableFuture.completedFuture(Optional.of(registered));
            }
        }
        Optional<RuntimeException> violation = snapshot.fenceViolation(fence);
        if (violation.isPresent()) {
            return CompletableFuture.failedFuture(violation.get());
        }
        RemoteLogState state = snapshot.remoteState();
        if (segment.baseOffset() <= state.highestOffset()) {
            return CompletableFuture.failedFuture(new RemoteSegmentOverlapException("Remote segment " + segment
                + " overlaps the remote log of " + snapshot.topicName() + "-" + segment.partition()
                + ", whose highest registered offset is " + state.highestOffset(), state.highestOffset()));
        }
        ByteSequence segmentKey = ctx.keys().remoteSegment(segment.topicId(), segment.partition(),
            segment.baseOffset());
        List<Cmp> cmps = new ArrayList<>(snapshot.unchanged(fence));
        cmps.add(new Cmp(segmentKey, Cmp.Op.EQUAL, CmpTarget.version(0)));
        RemoteLogState next = state.afterRegistering(segment);
        return ctx.calls().call(what, () -> ctx.kv().txn()
                .If(cmps.toArray(Cmp[]::new))
                .Then(Op.put(segmentKey, ByteSequence.from(RemoteSegmentMetadataJson.encode(segment)),
                        PutOption.DEFAULT),
                    Op.put(ctx.keys().remoteLogState(segment.topicId(), segment.partition()),
                        ValueCodec.encode(RemoteLogStateValue.of(next)), PutOption.DEFAULT))
                .commit())
            .thenApply(response -> {
                if (!response.isSucceeded()) {
                    return Optional.empty();
                }
                LOG.info("Registered remote segment {} of {}-{}: offsets [{}, {}], {} bytes, by {}; remote log now "
                        + "{} segment(s), {} bytes, highest offset {}", segment.segmentId(), snapshot.topicName(),
                    segment.partition(), segment.baseOffset(), segment.lastOffset(), segment.sizeInBytes(), fence,
                    next.segmentCount(), next.sizeInBytes(), next.highestOffset());
                return Optional.of(segment);
            });
    }

    CompletableFuture<List<RemoteSegmentMetadata>> startDeletion(Uuid topicId, int partition,
                                                                 List<RemoteSegmentMetadata> segments,
                                                                 RemoteLogSnapshot.Fence fence) {
        Optional<RuntimeException> invalid = validateBatch(topicId, partition, segments);
        if (invalid.isPresent()) {
            return CompletableFuture.failedFuture(invalid.get());
        }
        List<Long> bases = segments.stream().map(RemoteSegmentMetadata::baseOffset).toList();
        String what = "start deleting " + segments.size() + " remote segment(s) of " + topicId + "-" + partition;
        return CasRetry.run(what, () -> RemoteLogSnapshot.read(ctx, topicId, partition, fence, bases)
            .thenCompose(snapshot -> attemptStartDeletion(topicId, partition, segments, fence, snapshot, what)));
    }

    private CompletableFuture<Optional<List<RemoteSegmentMetadata>>> attemptStartDeletion(
        Uuid topicId, int partition, List<RemoteSegmentMetadata> segments, RemoteLogSnapshot.Fence fence,
        RemoteLogSnapshot snapshot, String what) {
        Optional<RuntimeException> violation = snapshot.fenceViolation(fence);
        if (violation.isPresent()) {
            return CompletableFuture.failedFuture(violation.get());
        }
        List<Cmp> cmps = new ArrayList<>(snapshot.unchanged(fence));
        List<Op> puts = new ArrayList<>();
        List<RemoteSegmentMetadata> deleting = new ArrayList<>();
        RemoteLogState state = snapshot.remoteState();
        for (int i = 0; i < segments.size(); i++) {
            Optional<KeyValue> kv = snapshot.segment(i);
            if (kv.isEmpty()) {
                continue;
            }
            RemoteSegmentMetadata stored = RemoteLogSnapshot.decodeSegment(kv.get());
            if (!stored.segmentId().equals(segments.get(i).segmentId())) {
                continue;
            }
            if (stored.state() == RemoteSegmentState.DELETE_STARTED) {
                deleting.add(stored);
                continue;
            }
            RemoteSegmentMetadata marked = stored.withState(RemoteSegmentState.DELETE_STARTED);
            cmps.add(new Cmp(kv.get().getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(kv.get().getModRevision())));
            puts.add(Op.put(kv.get().getKey(), ByteSequence.from(RemoteSegmentMetadataJson.encode(marked)),
                PutOption.DEFAULT));
            state = state.afterDeleting(stored);
            deleting.add(marked);
        }
        if (puts.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.of(deleting));
        }
        puts.add(Op.put(ctx.keys().remoteLogState(topicId, partition), ValueCodec.encode(RemoteLogStateValue.of(state)),
            PutOption.DEFAULT));
        RemoteLogState next = state;
        int marked = puts.size() - 1;
        return ctx.calls().call(what, () -> ctx.kv().txn()
                .If(cmps.toArray(Cmp[]::new))
                .Then(puts.toArray(Op[]::new))
                .commit())
            .thenApply(response -> {
                if (!response.isSucceeded()) {
                    return Optional.empty();
                }
                LOG.info("Started deleting {} remote segment(s) of {}-{} (offsets up to {}), by {}; remote log now {} "
                        + "segment(s), {} bytes", marked, snapshot.topicName(), partition,
                    deleting.get(deleting.size() - 1).lastOffset(), fence, next.segmentCount(), next.sizeInBytes());
                return Optional.of(deleting);
            });
    }

    CompletableFuture<Integer> remove(Uuid topicId, int partition, List<RemoteSegmentMetadata> segments) {
        Optional<RuntimeException> invalid = validateBatch(topicId, partition, segments);
        if (invalid.isPresent()) {
            return CompletableFuture.failedFuture(invalid.get());
        }
        String what = "remove " + segments.size() + " remote segment(s) of " + topicId + "-" + partition;
        return CasRetry.run(what, () -> {
            List<Op> gets = segments.stream().map(s -> (Op) Op.get(ctx.keys().remoteSegment(topicId, partition,
                s.baseOffset()), GetOption.DEFAULT)).toList();
            return ctx.calls().call(what, () -> ctx.kv().txn().Then(gets.toArray(Op[]::new)).commit())
                .thenCompose(read -> {
                    List<Cmp> cmps = new ArrayList<>();
                    List<Op> deletes = new ArrayList<>();
                    for (int i = 0; i < segments.size(); i++) {
                        Optional<KeyValue> kv = read.getGetResponses().get(i).getKvs().stream().findFirst();
                        if (kv.isEmpty()) {
                            continue;
                        }
                        RemoteSegmentMetadata stored = RemoteLogSnapshot.decodeSegment(kv.get());
                        if (!stored.segmentId().equals(segments.get(i).segmentId())) {
                            continue;
                        }
                        if (stored.state() != RemoteSegmentState.DELETE_STARTED) {
                            return CompletableFuture.<Optional<Integer>>failedFuture(new InvalidRequestException(
                                "Remote segment " + stored + " must be DELETE_STARTED before it is removed"));
                        }
                        cmps.add(new Cmp(kv.get().getKey(), Cmp.Op.EQUAL,
                            CmpTarget.modRevision(kv.get().getModRevision())));
                        deletes.add(Op.delete(kv.get().getKey(), DeleteOption.DEFAULT));
                    }
                    if (deletes.isEmpty()) {
                        return CompletableFuture.completedFuture(Optional.of(0));
                    }
                    return ctx.calls().call(what, () -> ctx.kv().txn()
                            .If(cmps.toArray(Cmp[]::new)).Then(deletes.toArray(Op[]::new)).commit())
                        .thenApply(response -> {
                            if (!response.isSucceeded()) {
                                return Optional.<Integer>empty();
                            }
                            LOG.info("Removed {} deleted remote segment registration(s) of {}-{}", deletes.size(),
                                topicId, partition);
                            return Optional.of(deletes.size());
                        });
                });
        });
    }

    CompletableFuture<Boolean> removeDeletedTopic(Uuid topicId) {
        String what = "remove the remote log of deleted topic " + topicId;
        return ctx.calls().call(what, () -> ctx.kv().txn()
                .If(new Cmp(ctx.keys().topic(topicId), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.delete(ctx.keys().remoteSegmentsOf(topicId), DeleteOption.builder().isPrefix(true).build()),
                    Op.delete(ctx.keys().remoteLogStatesOf(topicId), DeleteOption.builder().isPrefix(true).build()))
                .commit())
            .thenApply(response -> {
                if (response.isSucceeded()) {
                    long removed = response.getDeleteResponses().stream().mapToLong(r -> r.getDeleted()).sum();
                    LOG.info("Removed the remote log metadata of deleted topic {} ({} key(s))", topicId, removed);
                }
                return response.isSucceeded();
            });
    }

    private static Optional<RuntimeException> validateBatch(Uuid topicId, int partition,
                                                            List<RemoteSegmentMetadata> segments) {
        if (segments.size() > MAX_SEGMENTS_PER_CALL) {
            return Optional.of(new InvalidRequestException(segments.size() + " segments in one call; at most "
                + MAX_SEGMENTS_PER_CALL));
        }
        for (RemoteSegmentMetadata s : segments) {
            if (!s.topicId().equals(topicId) || s.partition() != partition) {
                return Optional.of(new InvalidRequestException("Segment " + s + " is not of " + topicId + "-"
                    + partition));
            }
        }
        return Optional.empty();
    }
}
