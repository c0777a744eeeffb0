package io.sluice.metadata.etcd;

import io.etcd.jetcd.Lease;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A broker registration's lease: jetcd sends keep-alives every TTL/3; this class turns jetcd's keep-alive signals into
 * {@link #lost()} and revokes the lease on {@link #close()}.
 */
final class EtcdBrokerLease implements BrokerLease {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdBrokerLease.class);

    private final BrokerRegistration registration;
    private final long leaseId;
    private final long brokerEpoch;
    private final Lease leases;
    private final EtcdCalls calls;
    private final Consumer<EtcdBrokerLease> onClose;
    private final LeaseKeepAlive keepAlive;

    EtcdBrokerLease(BrokerRegistration registration, long leaseId, long brokerEpoch, Lease leases, EtcdCalls calls,
                    Consumer<EtcdBrokerLease> onClose) {
        this.registration = registration;
        this.leaseId = leaseId;
        this.brokerEpoch = brokerEpoch;
        this.leases = leases;
        this.calls = calls;
        this.onClose = onClose;
        this.keepAlive = new LeaseKeepAlive(leases, leaseId, "registration lease " + Long.toHexString(leaseId)
            + " of broker " + registration.brokerId(), System.nanoTime());
    }

    void startKeepAlive() {
        keepAlive.start();
    }

    @Override
    public BrokerRegistration registration() {
        return registration;
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    @Override
    public long brokerEpoch() {
        return brokerEpoch;
    }

    @Override
    public long lastKeepAliveNanos() {
        return keepAlive.lastKeepAliveNanos();
    }

    @Override
    public CompletableFuture<Void> lost() {
        return keepAlive.lost();
    }

    @Override
    public void close() {
        if (!keepAlive.stop()) {
            return;
        }
        try {
            calls.call("revoke broker lease", () -> leases.revoke(leaseId))
                .get(calls.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            LOG.info("Broker {} deregistered (lease {} revoked)", registration.brokerId(), Long.toHexString(leaseId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Could not revoke lease {} of broker {}; it expires on its own: {}", Long.toHexString(leaseId),
                registration.brokerId(), e.getMessage());
        } finally {
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "BrokerLease(broker=" + registration.brokerId() + ", lease=" + Long.toHexString(leaseId) + ", epoch="
            + brokerEpoch + ")";
    }
}
