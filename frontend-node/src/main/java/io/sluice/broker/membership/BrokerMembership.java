package io.sluice.broker.membership;

import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataStore;
import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Keeps this broker registered in etcd and fences it while it cannot be sure it still is.
 *
 * <p>etcd expires the registration lease {@code broker.session.timeout.ms} after its last renewal, and then the
 * controller may elect other leaders. So the broker fences itself (stops acting as leader) as soon as two thirds
 * of the TTL pass without an acknowledged keep-alive, before etcd can expire the lease, and unfences when
 * keep-alives are acknowledged again. A lost lease (expired in etcd) is replaced by a new registration; until then
 * the broker stays fenced.
 */
public final class BrokerMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMembership.class);

    private final MetadataStore store;
    private final BrokerRegistration registration;
    private final long sessionTimeoutMs;
    private final Consumer<Boolean> fencing;
    private volatile BrokerLease lease;
    private volatile boolean fenced;
    private volatile boolean closed;
    private CompletableFuture<Void> reregistration;
    private ScheduledFuture<?> check;

    /**
     * @param sessionTimeoutMs {@code broker.session.timeout.ms}, the lease TTL
     * @param fencing          called with true to fence every partition, false to unfence
     */
    public BrokerMembership(MetadataStore store, BrokerRegistration registration, long sessionTimeoutMs,
                            Consumer<Boolean> fencing) {
        this.store = store;
        this.registration = registration;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.fencing = fencing;
    }

    /**
     * Registers the broker (waiting out a registration left by this node id's previous, killed process) and starts
     * watching the lease.
     *
     * @throws DuplicateBrokerRegistrationException (wrapped) if another live broker keeps this node id
     */
    public void start(ScheduledExecutorService scheduler, long timeoutMs) throws Exception {
        lease = register(timeoutMs);
        long period = Math.max(20, sessionTimeoutMs / 10);
        check = scheduler.scheduleAtFixedRate(this::checkLease, period, period, TimeUnit.MILLISECONDS);
    }

    /** @return the current broker epoch (the etcd revision of the registration) */
    public long brokerEpoch() {
        BrokerLease current = lease;
        return current == null ? -1L : current.brokerEpoch();
    }

    public boolean isFenced() {
        return fenced;
    }

    private void checkLease() {
        BrokerLease current = lease;
        if (current == null || closed) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - current.lastKeepAliveNanos());
        boolean healthy = !current.isLost() && silentMs < sessionTimeoutMs * 2 / 3;
        if (!healthy && !fenced) {
            fenced = true;
            LOG.warn("broker {} fenced: no etcd keep-alive acknowledged for {} ms (session timeout {} ms){}",
                    registration.brokerId(), silentMs, sessionTimeoutMs, current.isLost() ? "; lease lost" : "");
            fencing.accept(true);
        } else if (healthy && fenced) {
            fenced = false;
            LOG.info("broker {} unfenced: etcd keep-alives acknowledged again", registration.brokerId());
            fencing.accept(false);
        }
        if (current.isLost()) {
            reregister();
        }
    }

    private synchronized void reregister() {
        if (reregistration != null && !reregistration.isDone()) {
            return;
        }
        LOG.warn("broker {} lost its registration; registering again", registration.brokerId());
        reregistration = CompletableFuture.runAsync(() -> {
            try {
                BrokerLease fresh = register(4 * sessionTimeoutMs + 10_000);
                if (closed) {
                    fresh.close();
                } else {
                    lease = fresh;
                }
            } catch (Exception e) {
                LOG.error("broker {} could not register again; retrying", registration.brokerId(), e);
            }
        });
    }

    private BrokerLease register(long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMs, 2 * sessionTimeoutMs + 1_000));
        while (true) {
            try {
                long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                return store.registerBroker(registration).get(remaining, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof DuplicateBrokerRegistrationException) || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("node.id {} is still registered (a previous process?); waiting for its lease to expire",
                        registration.brokerId());
                awaitUnregistered(deadline);
            }
        }
    }

    private void awaitUnregistered(long deadlineNanos) throws Exception {
        int brokerId = registration.brokerId();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        try (MetadataCache.Subscription ignored = store.cache().addListener((delta, image) -> {
            if (image.broker(brokerId).isEmpty()) {
                gone.complete(null);
            }
        })) {
            if (store.cache().image().broker(brokerId).isEmpty()) {
                gone.complete(null);
            }
            gone.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // fall through: the next registration attempt reports the duplicate
        }
    }

    /** Deregisters (revokes the lease) so the controller moves leadership away at once. */
    @Override
    public void close() {
        closed = true;
        if (check != null) {
            check.cancel(false);
        }
        BrokerLease current = lease;
        if (current != null) {
            current.close();
        }
    }
}
