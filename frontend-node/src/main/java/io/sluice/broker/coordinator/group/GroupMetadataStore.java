package io.sluice.broker.coordinator.group;

import java.util.concurrent.CompletableFuture;

/**
 * Where a coordinator persists its groups' metadata (Kafka writes a {@code GroupMetadata} record to the group's
 * {@code __consumer_offsets} partition), so that the next coordinator of a group can load it
 * ({@link GroupCoordinator#onLoaded}) and the members carry on with their member ids and generation.
 *
 * <p>The coordinator calls {@link #storeGroup} at Kafka's points: when the leader's SyncGroup completes a generation
 * (the SyncGroup responses wait for the write), when a join phase leaves the group Empty, and when a static member
 * rejoins a Stable group under a new member id (its JoinGroup response waits for the write). Deleting a group
 * (DeleteGroups) removes its stored metadata through {@link OffsetStore#deleteGroup}, in the same write as its
 * committed offsets when one store keeps both.
 *
 * <p>Threading: called on the coordinator's event thread; must not block. The future completes, on any thread, when
 * the write is durable (replicated as an acknowledged commit is), or exceptionally with a Kafka exception that is
 * mapped as Kafka maps failed group metadata appends: {@code NotEnoughReplicasException},
 * {@code UnknownTopicOrPartitionException} and {@code TimeoutException} become COORDINATOR_NOT_AVAILABLE,
 * {@code NotLeaderOrFollowerException} and {@code KafkaStorageException} NOT_COORDINATOR, too-large records
 * UNKNOWN_SERVER_ERROR.
 */
@FunctionalInterface
public interface GroupMetadataStore {
    /**
     * Persists the group's metadata, replacing what was stored for it before.
     *
     * @return completes when the write is durable
     */
    CompletableFuture<Void> storeGroup(GroupMetadata group);

    /**
     * @return a store that keeps nothing and succeeds at once: group membership then lives in memory only, and a
     *         coordinator change makes every member rejoin (for tests and single-process setups)
     */
    static GroupMetadataStore inMemoryOnly() {
        return group -> CompletableFuture.completedFuture(null);
    }
}
