package io.sluice.metadata;

import org.apache.kafka.common.Uuid;

import java.util.concurrent.CompletableFuture;

/**
 * One term of one broker as the active controller, won with {@link MetadataStore#tryBecomeController}: the
 * {@code controller} key in etcd, bound to a lease this session keeps alive, and the controller epoch of that
 * election. Layout and guards: {@code docs/controller.md} and {@code docs/etcd-key-layout.md}.
 *
 * <p><b>Fencing.</b> Every write through a session is one etcd transaction that also compares the
 * {@code controller} key's create revision with {@link #electedRevision()}. Once the lease ended (expired while this
 * process was paused or cut off, or revoked) or another broker was elected, the key is gone or has another create
 * revision, so the write changes nothing and fails with Kafka's
 * {@link org.apache.kafka.common.errors.NotControllerException} (NOT_CONTROLLER). The session does not check its own
 * view of the lease first: etcd decides. (etcd leases alone do not fence a paused holder; the comparison does.)
 */
public interface ControllerSession extends AutoCloseable {

    /** The broker that won the election. */
    int brokerId();

    /** The controller epoch of this term: the previous election's epoch + 1 (the first is 1). Strictly increasing. */
    int epoch();

    /** The etcd lease holding the {@code controller} key. */
    long leaseId();

    /**
     * The etcd revision of the election transaction, which is the {@code controller} key's create revision: the
     * token every write of this session is fenced with. Also the revision a cache must reach to have seen every
     * change made before this term started.
     */
    long electedRevision();

    /**
     * Completes (normally) when this session's lease is found lost without {@link #close()}: etcd answered that the
     * lease no longer exists, or no keep-alive was acknowledged within the TTL. After that every write fails; the
     * holder must stop acting as controller.
     */
    CompletableFuture<Void> lost();

    /** The lease TTL etcd granted (it may raise the requested one to its minimum). */
    java.time.Duration leaseTtl();

    /**
     * {@link System#nanoTime()} when etcd last acknowledged a keep-alive of the lease (or, before the first, when the
     * lease was requested). A holder that has heard nothing for a whole {@link #leaseTtl()} must assume etcd ended
     * the term (jetcd itself may take longer to report it through {@link #lost()}).
     */
    long lastKeepAliveNanos();

    /** Whether {@link #lost()} has completed. */
    default boolean isLost() {
        return lost().isDone();
    }

    /**
     * Replaces a partition's state if it still equals {@code expected}, as
     * {@link MetadataStore#compareAndSetPartitionState(Uuid, int, PartitionState, PartitionState)}, and only while
     * this session is the active controller. When {@code next} names a new leader, the write also requires that
     * broker to be registered (live) at that moment, so an election never picks a broker that died meanwhile.
     *
     * @return true if written; false if the state is not {@code expected} any more (a stale view) or the new leader
     *         is no longer registered
     * @throws org.apache.kafka.common.errors.NotControllerException (NOT_CONTROLLER, through the future) if this
     *         session is no longer the active controller; nothing was written
     * @throws org.apache.kafka.common.errors.UnknownTopicIdException if the topic does not exist
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException if the partition does not exist
     * @throws org.apache.kafka.common.errors.InvalidUpdateVersionException if the epochs do not move forward
     */
    CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition, PartitionState expected,
                                                           PartitionState next);

    /**
     * Resigns: stops the keep-alives and revokes the lease, so the {@code controller} key disappears at once and
     * another broker can be elected. Waits at most the store's request timeout; failures are logged (the lease then
     * expires on its own). Idempotent.
     */
    @Override
    void close();
}
