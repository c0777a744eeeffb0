package io.sluice.metadata.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps one etcd lease alive (jetcd sends keep-alives every TTL/3) and turns jetcd's keep-alive signals into
 * {@link #lost()}: etcd reports the lease expired or unknown, or no keep-alive was acknowledged within the TTL.
 * Shared by broker registrations and controller terms.
 */
final class LeaseKeepAlive {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeepAlive.class);

    private final Lease leases;
    private final long leaseId;
    private final String description;
    private final CompletableFuture<Void> lost = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CloseableClient keepAlive;
    private volatile long lastKeepAliveNanos;

    /**
     * @param description   names the lease in log lines, e.g. "broker 1 registration lease 6a6c..."
     * @param grantedNanos  {@link System#nanoTime()} when the lease was requested (its TTL runs from the grant)
     */
    LeaseKeepAlive(Lease leases, long leaseId, String description, long grantedNanos) {
        this.leases = leases;
        this.leaseId = leaseId;
        this.description = description;
        this.lastKeepAliveNanos = grantedNanos;
    }

    void start() {
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
                if (error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
                    markLost("etcd no longer knows the lease");
                } else if (!closed.get()) {
                    LOG.warn("Keep-alive of the {} failed, jetcd retries: {}", description, error.getMessage());
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
            LOG.error("Lost the {}: {}", description, why);
        }
    }

    /** Completes when the lease is found lost before {@link #stop()}. */
    CompletableFuture<Void> lost() {
        return lost;
    }

    /** {@link System#nanoTime()} of the last acknowledged keep-alive (or of the grant). */
    long lastKeepAliveNanos() {
        return lastKeepAliveNanos;
    }

    /**
     * Stops sending keep-alives; later losses are no longer reported.
     *
     * @return true on the first call
     */
    boolean stop() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        CloseableClient ka = keepAlive;
        if (ka != null) {
            ka.close();
        }
        return true;
    }
}
