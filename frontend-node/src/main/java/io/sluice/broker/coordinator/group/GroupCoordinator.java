package io.sluice.broker.coordinator.group;

import io.sluice.broker.concurrent.SerialExecutor;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The classic consumer-group coordinator (Kafka's group coordinator for {@code group.protocol=classic}): group
 * membership and rebalances (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), group administration (ListGroups,
 * DescribeGroups, DeleteGroups) and committed offsets (OffsetCommit, OffsetFetch, OffsetDelete). Assignors run in
 * the clients (the group leader computes the assignment), so every client-side assignor, including
 * {@code cooperative-sticky} incremental rebalances, works unchanged: the coordinator only runs generations.
 *
 * <p>Methods take and return kafka-clients' generated message classes. They never block: each request becomes a
 * task on one event loop (a serial queue on the scheduler passed in), and the returned future completes when the
 * answer is known, which for JoinGroup and SyncGroup may be much later (when the rebalance gets there). Errors are
 * error codes inside the response data, as the Kafka protocol returns them; a future completes exceptionally only on
 * a bug or a rejected task (the API layer turns that into the request's generic error response).
 *
 * <p>Every request first passes {@link GroupAccess}: INVALID_GROUP_ID for an empty group id, NOT_COORDINATOR for a
 * group {@link GroupOwnership} says another broker owns, COORDINATOR_LOAD_IN_PROGRESS while it is loading.
 *
 * <p>Group membership lives in memory and is persisted through a {@link GroupMetadataStore} at Kafka's points (a
 * completed generation, a group becoming Empty, a static member's new member id). When this broker becomes a group's
 * coordinator, the stored groups are handed to {@link #onLoaded}: members keep their member ids and generation, so
 * their heartbeats and offset commits carry on at the new coordinator without a rebalance. Committed offsets live in
 * the {@link OffsetStore}.
 *
 * <p>Committed offsets expire as in Kafka ({@code offsets.retention.minutes}, KIP-211): every
 * {@code offsets.retention.check.interval.ms} expired offsets are removed and Empty groups left without offsets are
 * deleted; see {@link OffsetExpiry}.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupCoordinatorConfig config;
    private final Time time;
    private final SerialExecutor loop;
    private final Rebalancer rebalancer;
    private final GroupTimer timer;
    private final GroupRegistry groups;
    private final GroupAccess access;
    private final JoinGroupOperation joins;
    private final SyncGroupOperation syncs;
    private final HeartbeatOperation heartbeats;
    private final LeaveGroupOperation leaves;
    private final OffsetOperations offsets;
    private final GroupAdminOperations admin;
    private final OffsetExpiry expiry;

    /**
     * @param config        group settings (timeouts, sizes)
     * @param ownership     which groups this broker coordinates
     * @param offsetStore   where committed offsets are kept
     * @param groupStore    where group metadata is persisted (so {@link #onLoaded} at the next coordinator can carry
     *                      the groups on)
     * @param time          the clock (state timestamps, commit timestamps, offset expiry)
     * @param scheduler     runs the coordinator's tasks and timers; tasks are short and never block. Not shut down by
     *                      {@link #close()}.
     */
    public GroupCoordinator(GroupCoordinatorConfig config, GroupOwnership ownership, OffsetStore offsetStore,
                            GroupMetadataStore groupStore, Time time, ScheduledExecutorService scheduler) {
        this(config, ownership, offsetStore, groupStore, time, scheduler,
                loop -> new ScheduledGroupTimer(scheduler, loop));
    }

    /**
     * A coordinator whose group membership is not persisted ({@link GroupMetadataStore#inMemoryOnly()}): after a
     * coordinator change members rejoin. See the main constructor for the parameters.
     */
    public GroupCoordinator(GroupCoordinatorConfig config, GroupOwnership ownership, OffsetStore offsetStore, Time time,
                            ScheduledExecutorService scheduler) {
        this(config, ownership, offsetStore, GroupMetadataStore.inMemoryOnly(), time, scheduler);
    }

    /** For tests: a chosen executor for the event loop and a chosen timer (e.g. driven by a manual clock). */
    GroupCoordinator(GroupCoordinatorConfig config, GroupOwnership ownership, OffsetStore offsetStore,
                     GroupMetadataStore groupStore, Time time, Executor executor,
                     Function<Executor, GroupTimer> timerFactory) {
        this.config = config;
        this.time = time;
        this.loop = new SerialExecutor("group coordinator", executor);
        this.timer = timerFactory.apply(loop);
        this.groups = new GroupRegistry(time);
        this.access = new GroupAccess(ownership);
        this.rebalancer = new Rebalancer(groups, timer, config, new GroupMetadataWriter(groupStore, loop));
        this.joins = new JoinGroupOperation(groups, rebalancer);
        this.syncs = new SyncGroupOperation(groups, rebalancer);
        this.heartbeats = new HeartbeatOperation(groups, rebalancer);
        this.leaves = new LeaveGroupOperation(groups, rebalancer);
        this.offsets = new OffsetOperations(groups, rebalancer, offsetStore, time);
        this.admin = new GroupAdminOperations(groups, timer, offsetStore, access);
        this.expiry = new OffsetExpiry(groups, offsetStore, access, timer, loop, time, config);
        loop.execute(expiry::start);
    }

    /**
     * JoinGroup (API key 11). Completes when the member is in the next generation (the join phase ended), at once
     * for errors, MEMBER_ID_REQUIRED (v4+ with an empty member id, KIP-394) and members that may rejoin without a
     * rebalance. Errors: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_SESSION_TIMEOUT
     * (outside {@code group.min/max.session.timeout.ms}), MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
     * INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED, COORDINATOR_NOT_AVAILABLE (the group is being removed),
     * and NOT_COORDINATOR for a parked request when the group is resigned. A static member rejoining a Stable group
     * is answered once the group with its new member id is persisted; if that write fails it gets the write's error
     * (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, UNKNOWN_SERVER_ERROR). See {@link JoinGroupOperation}.
     */
    public CompletableFuture<JoinGroupResponseData> joinGroup(GroupRequestContext context, JoinGroupRequestData request) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        submit(response, () -> {
            // Kafka's order: the group id, then the session timeout, then whether this broker coordinates the group
            Optional<Errors> denied = request.groupId() == null || request.groupId().isEmpty()
                    ? Optional.of(Errors.INVALID_GROUP_ID)
                    : request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                            || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()
                    ? Optional.of(Errors.INVALID_SESSION_TIMEOUT)
                    : access.check(request.groupId());
            if (denied.isPresent()) {
                response.complete(JoinGroupOperation.error(request.memberId(), denied.get()));
            } else {
                joins.join(context, request, response);
            }
        });
        return response;
    }

    /**
     * SyncGroup (API key 14). The leader's request carries the assignment; every member's request completes with
     * its own assignment once the leader's has arrived and the new generation is persisted
     * ({@link GroupMetadataStore}). Errors: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL (v5+ protocol
     * type/name), REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE; when the generation cannot be persisted, Kafka's
     * mapping of the failed write: COORDINATOR_NOT_AVAILABLE (not enough replicas, timeout), NOT_COORDINATOR (no
     * longer the partition leader), UNKNOWN_SERVER_ERROR (record too large). See {@link SyncGroupOperation}.
     */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        submit(response, () -> {
            Optional<Errors> denied = access.check(request.groupId());
            if (denied.isPresent()) {
                response.complete(SyncGroupOperation.error(denied.get()));
            } else {
                syncs.sync(request, response);
            }
        });
        return response;
    }

    /**
     * Heartbeat (API key 12). Errors: INVALID_GROUP_ID, NOT_COORDINATOR, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
     * ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS (rejoin), COORDINATOR_NOT_AVAILABLE. While the group's offsets are
     * loading the answer is NONE, as Kafka answers blindly then.
     */
    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return call(() -> {
            Optional<Errors> denied = access.check(request.groupId());
            Errors error = denied.map(e -> e == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Errors.NONE : e)
                    .orElseGet(() -> heartbeats.heartbeat(request));
            return new HeartbeatResponseData().setErrorCode(error.code());
        });
    }

    /**
     * LeaveGroup (API key 13). Versions 0-2 name one member ({@code member_id}); v3+ a batch. The response is in the
     * v3+ form (per-member results); the API layer folds it for older versions. Top-level errors:
     * INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE; per member
     * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID.
     */
    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        LeaveGroupRequestData normalized = version >= 3 ? request : new LeaveGroupRequestData()
                .setGroupId(request.groupId())
                .setMembers(List.of(new MemberIdentity().setMemberId(request.memberId()).setGroupInstanceId(null)));
        return call(() -> {
            Optional<Errors> denied = access.check(normalized.groupId());
            return denied.isPresent() ? new LeaveGroupResponseData().setErrorCode(denied.get().code())
                    : leaves.leave(normalized);
        });
    }

    /** ListGroups (API key 16): this coordinator's groups; see {@link GroupAdminOperations#list}. Never an error. */
    public CompletableFuture<ListGroupsResponseData> listGroups(ListGroupsRequestData request) {
        return call(() -> admin.list(request));
    }

    /**
     * DescribeGroups (API key 15), per group: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_GROUP_ID (null
     * id), GROUP_ID_NOT_FOUND (v6+; state Dead), else the group. See {@link GroupAdminOperations#describe}.
     *
     * @param version the request version (decides how an unknown group is reported)
     */
    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, short version) {
        return call(() -> {
            List<DescribedGroup> result = new ArrayList<>(groupIds.size());
            groupIds.forEach(groupId -> result.add(admin.describe(groupId, version)));
            return result;
        });
    }

    /**
     * DeleteGroups (API key 42), per group: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (the group has members), or the offset store's error. Deleting removes the
     * group's committed offsets.
     */
    public CompletableFuture<DeletableGroupResultCollection> deleteGroups(List<String> groupIds) {
        return this.<List<CompletableFuture<DeletableGroupResult>>>call(() ->
                groupIds.stream().map(admin::delete).toList()
        ).thenCompose(results -> CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeletableGroupResultCollection collection = new DeletableGroupResultCollection();
            results.forEach(result -> collection.add(result.join().duplicate()));
            return collection;
        }));
    }

    /**
     * OffsetCommit (API key 8), v2-10. Topics are named (the API layer resolves v10 topic ids to names first and
     * copies the ids into the response). Per-partition errors: INVALID_GROUP_ID, NOT_COORDINATOR,
     * COORDINATOR_LOAD_IN_PROGRESS, GROUP_ID_NOT_FOUND (v9+) / ILLEGAL_GENERATION for an unknown group,
     * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
     * OFFSET_METADATA_TOO_LARGE, and the offset store's errors. See {@link OffsetOperations}.
     */
    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return this.<CompletableFuture<OffsetCommitResponseData>>call(() -> {
            Optional<Errors> denied = access.check(request.groupId());
            return denied.isPresent()
                    ? CompletableFuture.completedFuture(OffsetCommitRequest.getErrorResponse(request, denied.get()))
                    : offsets.commit(request, version);
        }).thenCompose(Function.identity());
    }

    /**
     * OffsetFetch (API key 9), v1-10: one group before v8, several from v8. For each group the requested partitions
     * (offset -1 where nothing was committed) or, with null topics, every committed partition. Group errors:
     * INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS (before v2 they are reported on every
     * partition). {@code require_stable} is satisfied trivially: Sluice has no transactional commits. Topics are named;
     * for v10 the caller sets names from topic ids before and ids on the answer after.
     *
     * @return the response for {@code version} (v0-7 single-group form, or v8+ groups)
     */
    public CompletableFuture<OffsetFetchResponseData> fetchOffsets(OffsetFetchRequestData request, short version) {
        List<OffsetFetchRequestGroup> requested = version >= OffsetFetchRequest.BATCH_MIN_VERSION
                ? request.groups() : List.of(singleGroup(request));
        return call(() -> {
            List<OffsetFetchResponseGroup> result = new ArrayList<>(requested.size());
            for (OffsetFetchRequestGroup group : requested) {
                Optional<Errors> denied = access.check(group.groupId());
                result.add(denied.isPresent() ? OffsetFetchResponse.groupError(group, denied.get(), version)
                        : offsets.fetch(group));
            }
            return new OffsetFetchResponse.Builder(result).build(version).data();
        });
    }

    private static OffsetFetchRequestGroup singleGroup(OffsetFetchRequestData request) {
        OffsetFetchRequestGroup group = new OffsetFetchRequestGroup().setGroupId(request.groupId());
        if (request.topics() == null) {
            group.setTopics(null);
        } else {
            request.topics().forEach(topic -> group.topics().add(new OffsetFetchRequestTopics()
                    .setName(topic.name()).setPartitionIndexes(topic.partitionIndexes())));
        }
        return group;
    }

    /**
     * OffsetDelete (API key 47). Top-level errors: INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (a non-consumer group with members), the store's error; per partition
     * GROUP_SUBSCRIBED_TO_TOPIC. See {@link OffsetOperations#delete}.
     */
    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return this.<CompletableFuture<OffsetDeleteResponseData>>call(() -> {
            Optional<Errors> denied = access.check(request.groupId());
            return denied.isPresent()
                    ? CompletableFuture.completedFuture(new OffsetDeleteResponseData().setErrorCode(denied.get().code()))
                    : offsets.delete(request);
        }).thenCompose(Function.identity());
    }

    /**
     * Takes over groups whose metadata this broker loaded on becoming their coordinator (Kafka's
     * {@code GroupMetadataManager.onLoaded}): each group is rebuilt as stored (Stable with its members, generation,
     * leader and assignments; Empty without members), every member's session timer starts now with its session
     * timeout, and a group larger than {@code group.max.size} rebalances. A group already in memory under the same id
     * is replaced (its parked requests answered NOT_COORDINATOR). A stored group that is inconsistent is skipped (its
     * members then get UNKNOWN_MEMBER_ID and rejoin).
     *
     * <p>Call it before requests for these groups are served (while they still answer COORDINATOR_LOAD_IN_PROGRESS).
     *
     * @return completes once the groups are in place
     */
    public CompletableFuture<Void> onLoaded(Collection<GroupMetadata> loaded) {
        return call(() -> {
            for (GroupMetadata stored : loaded) {
                load(stored);
            }
            return null;
        });
    }

    private void load(GroupMetadata stored) {
        ClassicGroup group;
        try {
            group = ClassicGroup.fromMetadata(stored, time);
        } catch (RuntimeException e) {
            log.warn("Skipping stored metadata of group {}: {}", stored.groupId(), e.toString());
            return;
        }
        ClassicGroup existing = groups.get(stored.groupId());
        if (existing != null) {
            resign(existing);
        }
        groups.put(group);
        group.members().forEach(member -> rebalancer.scheduleHeartbeat(group, member));
        log.info("Loaded group {} ({}, generation {}, {} members, protocol {})", group.groupId(), group.state(),
                group.generationId(), group.size(), group.protocolName().orElse(""));
        if (group.size() > config.maxGroupSize()) {
            rebalancer.prepareRebalance(group, "loaded group of " + group.size() + " members is over "
                    + "group.max.size " + config.maxGroupSize());
        }
    }

    /**
     * Drops the in-memory state of the groups this broker no longer coordinates: parked JoinGroup and SyncGroup
     * requests are answered NOT_COORDINATOR (clients then look up the new coordinator and rejoin there) and timers
     * stop. Committed offsets are untouched.
     *
     * @return completes once the state is dropped
     */
    public CompletableFuture<Void> onResigned(Predicate<String> groupIds) {
        return call(() -> {
            for (ClassicGroup group : groups.matching(groupIds)) {
                resign(group);
            }
            return null;
        });
    }

    private void resign(ClassicGroup group) {
        log.info("Unloading group {} (generation {}, {} members): no longer its coordinator", group.groupId(),
                group.generationId(), group.size());
        timer.cancelGroup(group.groupId());
        group.completeAllJoins(Errors.NOT_COORDINATOR);
        group.completeAllSyncs(Errors.NOT_COORDINATOR);
        group.transitionTo(GroupState.DEAD);
        groups.remove(group.groupId());
    }

    /**
     * Resigns every group and stops the timers (including the offset expiry check), waiting up to 10 s for the event
     * loop to do it, so that a scheduler shut down right after finds no long timer pending. Does not shut the
     * scheduler down. Must not be called from a coordinator task.
     */
    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    expiry.stop();
                    groups.matching(groupId -> true).forEach(this::resign);
                    timer.cancelAll();
                } finally {
                    closed.complete(null);
                }
            });
            closed.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            log.warn("group coordinator did not close cleanly: {}", e.toString());
        }
    }

    private <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(result, () -> result.complete(task.get()));
        return result;
    }

    private <T> void submit(CompletableFuture<T> result, Runnable task) {
        Consumer<RuntimeException> fail = e -> {
            log.error("group coordinator task failed", e);
            result.completeExceptionally(e);
        };
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    fail.accept(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
