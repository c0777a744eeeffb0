package io.sluice.broker.coordinator.group;

/**
 * Tells a {@link GroupCoordinator} which groups it coordinates. Each group has exactly one coordinator broker at a
 * time (the one FindCoordinator names); requests for a group this broker does not own are answered with
 * NOT_COORDINATOR, which makes clients look the coordinator up again, and requests for a group whose committed
 * offsets are still being loaded get COORDINATOR_LOAD_IN_PROGRESS (clients retry), as Kafka does while it loads a
 * {@code __consumer_offsets} partition.
 *
 * <p>When ownership of groups moves away, call {@link GroupCoordinator#onResigned(java.util.function.Predicate)} so
 * the coordinator drops their in-memory state; the new coordinator hands the groups' stored metadata to its
 * {@link GroupCoordinator#onLoaded(java.util.Collection)} before it stops reporting them as loading, and the members
 * carry on there.
 *
 * <p>Implementations are called on the coordinator's event thread and must answer from memory, without blocking.
 */
@FunctionalInterface
public interface GroupOwnership {
    /** @return whether this broker is the coordinator of {@code groupId} */
    boolean owns(String groupId);

    /**
     * @return whether {@code groupId}'s committed offsets are still being loaded (only consulted for owned groups);
     *         defaults to never
     */
    default boolean loading(String groupId) {
        return false;
    }

    /** @return ownership of every group, for a single broker or tests */
    static GroupOwnership all() {
        return groupId -> true;
    }
}
