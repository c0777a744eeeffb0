package io.sluice.broker.coordinator.group;

import io.sluice.broker.coordinator.group.GroupTimer.Key;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.ToLongFunction;

/**
 * Offset retention (Kafka's {@code offsets.retention.minutes}, KIP-211, Kafka 2.1+; Kafka's
 * {@code GroupCoordinatorShard.cleanupGroupMetadata} and {@code ClassicGroup.offsetExpirationCondition}): every
 * {@code offsets.retention.check.interval.ms} the coordinator removes the committed offsets that expired in the groups
 * it coordinates, and deletes the Empty groups left with no offsets.
 *
 * <p>An offset has expired when {@code now - base >= retention}, where the base time depends on the group:
 * <ul>
 *   <li>Empty group with a protocol type (it had members): the time it became Empty (its state timestamp, persisted
 *       in its group metadata, so it survives a coordinator change); if that is unknown ({@code -1}), the offset's
 *       commit timestamp. All its offsets therefore expire together.</li>
 *   <li>Stable consumer-protocol group whose subscriptions are known: the commit timestamp, and only for partitions
 *       of topics no member subscribes to; offsets of subscribed topics never expire while the group is active.</li>
 *   <li>A group that never had members (offsets only, committed with generation -1, a "simple" consumer): the commit
 *       timestamp.</li>
 *   <li>Any other group (rebalancing, or a non-consumer protocol with members): nothing expires.</li>
 * </ul>
 * Expired offsets are removed with one {@link OffsetStore#deleteOffsets} write per group. When every offset of a
 * group expired (or it had none) and the group is Empty (no members, no KIP-394 pending member), the group is deleted
 * instead: it leaves memory (state Dead) and {@link OffsetStore#deleteGroup} tombstones its offsets and its metadata
 * in one write, so ListGroups stops showing it, as in Kafka.
 *
 * <p>Unlike Kafka, an offset commit still being replicated is not protected from the check (Kafka skips partitions
 * with pending commits): a commit whose write is in flight while its partition expires may be removed with it.
 *
 * <p>Not thread-safe: every method runs on the coordinator's event loop. Checks never overlap: the next one is
 * scheduled when the previous one's writes completed.
 */
final class OffsetExpiry {
    private static final Logger log = LoggerFactory.getLogger(OffsetExpiry.class);

    private final GroupRegistry groups;
    private final OffsetStore store;
    private final GroupAccess access;
    private final GroupTimer timer;
    private final Executor loop;
    private final Time time;
    private final long retentionMs;
    private final long checkIntervalMs;
    private boolean stopped;

    /** What one check removed. */
    record Result(int expiredOffsets, int groups, int deletedGroups) {
        static final Result NOTHING = new Result(0, 0, 0);
    }

    OffsetExpiry(GroupRegistry groups, OffsetStore store, GroupAccess access, GroupTimer timer, Executor loop,
                 Time time, GroupCoordinatorConfig config) {
        this.groups = groups;
        this.store = store;
        this.access = access;
        this.timer = timer;
        this.loop = loop;
        this.time = time;
        this.retentionMs = config.offsetsRetentionMs();
        this.checkIntervalMs = config.offsetsRetentionCheckIntervalMs();
    }

    /** Schedules the first check one interval from now. */
    void start() {
        scheduleNext();
    }

    /** Cancels the next check; a check in flight finishes its writes but schedules no further check. */
    void stop() {
        stopped = true;
        timer.cancel(Key.offsetExpiry());
    }

    private void scheduleNext() {
        if (!stopped) {
            timer.schedule(Key.offsetExpiry(), checkIntervalMs, () -> check().whenComplete((result, failure) -> {
                if (failure != null) {
                    log.warn("Offset expiry check failed", failure);
                }
                loop.execute(this::scheduleNext);
            }));
        }
    }

    /**
     * Runs one check over the groups this broker coordinates and has loaded (in memory or with committed offsets).
     *
     * @return completes when the check's writes completed; failed writes are logged and not counted
     */
    CompletableFuture<Result> check() {
        long startMs = time.milliseconds();
        Set<String> candidates = new TreeSet<>(store.groupsWithOffsets());
        groups.matching(groupId -> true).forEach(group -> candidates.add(group.groupId()));
        List<CompletableFuture<Result>> writes = new ArrayList<>();
        for (String groupId : candidates) {
            if (access.listable(groupId)) {
                expire(groupId, startMs).ifPresent(writes::add);
            }
        }
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(Result.NOTHING);
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Result total = writes.stream().map(CompletableFuture::join).reduce(Result.NOTHING, (a, b) ->
                    new Result(a.expiredOffsets + b.expiredOffsets, a.groups + b.groups,
                            a.deletedGroups + b.deletedGroups));
            if (total.groups() > 0) {
                log.info("Removed {} expired offsets of {} groups ({} empty groups deleted) in {} ms",
                        total.expiredOffsets(), total.groups(), total.deletedGroups(), time.milliseconds() - startMs);
            }
            return total;
        });
    }

    /** @return the group's write, or empty when nothing of it expired */
    private Optional<CompletableFuture<Result>> expire(String groupId, long nowMs) {
        ClassicGroup group = groups.get(groupId);
        if (group != null && group.is(GroupState.DEAD)) {
            return Optional.empty();
        }
        Map<TopicPartition, CommittedOffset> offsets = store.fetch(groupId, Optional.empty());
        Map<TopicPartition, CommittedOffset> expired = expiredOffsets(group, offsets, nowMs, retentionMs);
        boolean deletable = group == null || group.is(GroupState.EMPTY) && group.pendingMemberCount() == 0;
        if (expired.size() == offsets.size() && deletable && (group != null || !offsets.isEmpty())) {
            if (group != null) {
                group.transitionTo(GroupState.DEAD);
                groups.remove(groupId);
                timer.cancelGroup(groupId);
            }
            log.debug("Deleting empty group {} ({} committed offsets expired)", groupId, offsets.size());
            return Optional.of(logged(groupId, store.deleteGroup(groupId), new Result(offsets.size(), 1, 1)));
        }
        if (expired.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(logged(groupId, store.deleteOffsets(groupId, expired.keySet()),
                new Result(expired.size(), 1, 0)));
    }

    private static CompletableFuture<Result> logged(String groupId, CompletableFuture<Void> write, Result done) {
        return write.handle((ignored, failure) -> {
            if (failure != null) {
                log.warn("Could not remove the expired offsets of group {}: {}", groupId, failure.toString());
                return Result.NOTHING;
            }
            return done;
        });
    }

    /**
     * Kafka's offset expiration condition for one group.
     *
     * @param group   the group in memory, or null for a group that only has committed offsets
     * @param offsets the group's committed offsets
     * @param nowMs   the current time, epoch milliseconds
     * @return the offsets for which {@code nowMs - base >= retentionMs} (see the class comment for the base time)
     */
    static Map<TopicPartition, CommittedOffset> expiredOffsets(ClassicGroup group,
                                                               Map<TopicPartition, CommittedOffset> offsets,
                                                               long nowMs, long retentionMs) {
        ToLongFunction<CommittedOffset> base;
        Set<String> keptTopics = Set.of();
        if (group == null || group.protocolType().isEmpty()) {
            base = CommittedOffset::commitTimestampMs;
        } else if (group.is(GroupState.EMPTY)) {
            long emptySinceMs = group.stateTimestampMs();
            base = offset -> emptySinceMs >= 0 ? emptySinceMs : offset.commitTimestampMs();
        } else if (group.usesConsumerProtocol() && group.is(GroupState.STABLE)
                && group.subscribedTopics().isPresent()) {
            base = CommittedOffset::commitTimestampMs;
            keptTopics = group.subscribedTopics().get();
        } else {
            return Map.of();
        }
        Map<TopicPartition, CommittedOffset> expired = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, CommittedOffset> entry : offsets.entrySet()) {
            if (!keptTopics.contains(entry.getKey().topic())
                    && nowMs - base.applyAsLong(entry.getValue()) >= retentionMs) {
                expired.put(entry.getKey(), entry.getValue());
            }
        }
        return expired;
    }
}
