package io.sluice.metadata;

import java.util.concurrent.CompletableFuture;

/**
 * A broker's registration, held alive by an etcd lease that the store keeps alive in the background.
 *
 * <p>If the process dies, keep-alives stop and etcd deletes the registration when the lease's TTL runs out
 * ({@link MetadataStoreConfig#brokerLeaseTtl()}), which removes the broker from every cache's live broker set.
 * {@link #close()} revokes the lease at once (a clean shutdown).
 */
public interface BrokerLease extends AutoCloseable {

    /** What was registered. */
    BrokerRegistration registration();

    /** The etcd lease id holding the registration. */
    long leaseId();

    /**
     * The broker epoch: the etcd revision at which this registration was created. It grows with every registration of
     * any broker, so a restarted broker always gets a larger epoch (like Kafka's broker epoch) and writes can be
     * fenced with it later.
     */
    long brokerEpoch();

    /**
     * Completes (normally) when the lease is found lost without {@link #close()} having been called: etcd answered
     * that the lease no longer exists, or no keep-alive was acknowledged within the TTL. A broker whose lease is lost
     * must consider itself fenced: other brokers no longer see it as live.
     */
    CompletableFuture<Void> lost();

    /**
     * {@link System#nanoTime()} when etcd last acknowledged a keep-alive of this lease (or granted it). A broker
     * that has not heard an acknowledgement for most of the TTL must assume etcd may expire the lease at any
     * moment and stop acting as a leader before it does (etcd counts the TTL from its own last renewal).
     */
    long lastKeepAliveNanos();

    /** Whether {@link #lost()} has completed. */
    default boolean isLost() {
        return lost().isDone();
    }

    /**
     * Stops the keep-alives and revokes the lease, so the registration disappears at once. Waits at most the store's
     * request timeout; failures are logged, never thrown (the lease then expires on its own). Idempotent.
     */
    @Override
    void close();
}
