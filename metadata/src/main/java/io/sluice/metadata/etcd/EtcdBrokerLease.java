package io.sluice.metadata.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final CompletableFuture<Void> lost = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CloseableClient keepAlive;
    private volatile long lastKeepAliveNanos = System.nanoTime();

    EtcdBrokerLease(BrokerRegistration registration, long leaseId, long brokerEpoch, Lease leases, EtcdCalls calls,
                    Consumer<EtcdBrokerLease> onClose) {
        this.registration = registration;
        this.leaseId = leaseId;
        this.brokerEpoch = brokerEpoch;
        this.leases = leases;
        this.calls = calls;
        this.onClose = onClose;
    }

    void startKeepAlive() {
        keepAlive = leases.keepAlive(leaseId, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                if (response.getTTL() <= 0) {
                    markLost("etcd reports the lease expired");
                } else {
                    lastKeepAliveNanos = System.nanoTime();
                }
            }

            @Override
            public void onError(Throwable error) {
                if (error instanceof EtcdException etcd
                    && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
                    markLost("etcd no longer knows the lease");
                } else if (!closed.get()) {
                    LOG.warn("Keep-alive of broker {} lease {} failed, jetcd retries: {}", registration.brokerId(),
                        Long.toHexString(leaseId), error.getMessage());
                }
            }

            @Override
            public void onCompleted() {
                markLost("no keep-alive was acknowledged within the TTL");
            }
        });
    }

    private void markLost(String why) {
        if (!closed.get() && lost.complete(null)) {
            LOG.error("Broker {} lost its registration lease {}: {}", registration.brokerId(),
                Long.toHexString(leaseId), why);
        }
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
        return lastKeepAliveNanos;
    }

    @Override
    public CompletableFuture<Void> lost() {
        return lost;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CloseableClient ka = keepAlive;
        if (ka != null) {
            ka.close();
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
