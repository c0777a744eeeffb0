package io.sluice.broker.coordinator.group;

/**
 * The coordinator's keyed timers (Kafka's {@code CoordinatorTimer}): one pending task per key, scheduling a key
 * again replaces its task. Tasks run on the coordinator's event loop; a task cancelled or replaced before it ran
 * never runs. All methods are called on the event loop.
 */
interface GroupTimer {
    /** What a timer is for; with the group (and member) it identifies the timer. */
    enum Kind { INITIAL_JOIN_DELAY, JOIN, SYNC, HEARTBEAT, OFFSET_EXPIRY }

    /**
     * @param groupId  the group ("" for coordinator-wide timers such as {@link Kind#OFFSET_EXPIRY}; no group has
     *                 an empty id)
     * @param memberId the member for {@link Kind#HEARTBEAT}, "" for group-wide timers
     */
    record Key(Kind kind, String groupId, String memberId) {
        static Key group(Kind kind, String groupId) {
            return new Key(kind, groupId, "");
        }

        /** The coordinator-wide timer of the periodic offset expiry check. */
        static Key offsetExpiry() {
            return new Key(Kind.OFFSET_EXPIRY, "", "");
        }

        static Key heartbeat(String groupId, String memberId) {
            return new Key(Kind.HEARTBEAT, groupId, memberId);
        }
    }

    /** Runs {@code task} after {@code delayMs} milliseconds unless cancelled or replaced first. */
    void schedule(Key key, long delayMs, Runnable task);

    /** Cancels the key's task, if any. */
    void cancel(Key key);

    /** Cancels every task of one group. */
    void cancelGroup(String groupId);

    /** Cancels every task. */
    void cancelAll();
}
