package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;

import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers brokers: grant a lease, then a create-if-absent transaction ({@code version(brokers/<id>) == 0} → put
 * bound to the lease, else get). If another live registration holds the id, the new lease is revoked and the caller
 * gets {@link DuplicateBrokerRegistrationException}. Tracks open leases so the store can revoke them on close.
 */
final class BrokerRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistrar.class);

    private final WriteContext ctx;
    private final Lease leases;
    private final long ttlSeconds;
    private final Set<EtcdBrokerLease> open = ConcurrentHashMap.newKeySet();

    BrokerRegistrar(WriteContext ctx, Lease leases, long ttlSeconds) {
        this.ctx = ctx;
        this.leases = leases;
        this.ttlSeconds = ttlSeconds;
    }

    CompletableFuture<BrokerLease> register(BrokerRegistration registration) {
        ByteSequence key = ctx.keys().broker(registration.brokerId());
        ByteSequence value = ValueCodec.encode(StoredValues.BrokerValue.of(registration));
        return ctx.calls().call("grant broker lease", () -> leases.grant(ttlSeconds))
            .thenCompose(grant -> ctx.calls().call("register broker", () -> ctx.kv().txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, value, PutOption.builder().withLeaseId(grant.getID()).build()))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit())
                .thenCompose(response -> {
                    if (!response.isSucceeded()) {
                        revokeQuietly(grant.getID());
                        var existing = response.getGetResponses().get(0).getKvs().get(0);
                        BrokerRegistration holder = ValueCodec.decode(existing.getValue(),
                            StoredValues.BrokerValue.class, key).toRegistration();
                        return CompletableFuture.failedFuture(new DuplicateBrokerRegistrationException(
                            "Another broker is registered with that broker id: " + registration.brokerId()
                                + " (held by " + holder.host() + ":" + holder.kafkaPort() + ")"));
                    }
                    long revision = response.getHeader().getRevision();
                    EtcdBrokerLease lease = new EtcdBrokerLease(registration, grant.getID(), revision, leases,
                        ctx.calls(), open::remove);
                    open.add(lease);
                    lease.startKeepAlive();
                    LOG.info("Registered broker {} at {}:{} (rack {}) with lease {} (TTL {} s), broker epoch {}",
                        registration.brokerId(), registration.host(), registration.kafkaPort(),
                        registration.rack().orElse("-"), Long.toHexString(grant.getID()), grant.getTTL(), revision);
                    return ctx.afterCacheSees(revision, (BrokerLease) lease).exceptionallyCompose(error -> {
                        // the caller never gets the lease: do not leave it registered
                        CompletableFuture.runAsync(lease::close, ctx.callbacks());
                        return CompletableFuture.failedFuture(error);
                    });
                }));
    }

    private void revokeQuietly(long leaseId) {
        ctx.calls().call("revoke lease", () -> leases.revoke(leaseId)).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("Revoking unused lease {} failed: {}", Long.toHexString(leaseId), e.getMessage());
            }
        });
    }

    /** Revokes every lease registered through this registrar and still open. */
    void closeAll() {
        for (EtcdBrokerLease lease : Set.copyOf(open)) {
            lease.close();
        }
    }
}
