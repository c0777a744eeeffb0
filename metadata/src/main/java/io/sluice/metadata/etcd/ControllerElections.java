package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.ControllerSession;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Controller elections: one attempt reads {@code controller} and {@code controller-epoch}; if no controller is active
 * it grants a lease and runs
 * <pre>
 * If(version(controller) == 0, mod_revision(controller-epoch) == read)     (version == 0 before the first election)
 * Then(put controller-epoch {epoch + 1}, put controller {brokerId, epoch + 1} with the lease)
 * Else(get controller)
 * </pre>
 * so at most one broker wins each epoch and the epoch grows by exactly one per election. A loser revokes its unused
 * lease. Tracks open sessions so the store can resign them on close.
 */
final class ControllerElections {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerElections.class);

    private final WriteContext ctx;
    private final Lease leases;
    private final PartitionStateWriter writer;
    private final Set<EtcdControllerSession> open = ConcurrentHashMap.newKeySet();

    ControllerElections(WriteContext ctx, Lease leases, PartitionStateWriter writer) {
        this.ctx = ctx;
        this.leases = leases;
        this.writer = writer;
    }

    CompletableFuture<Optional<ControllerSession>> tryBecomeController(int brokerId, Duration leaseTtl) {
        long ttlSeconds = Math.max(1, (leaseTtl.toMillis() + 999) / 1000);
        return CasRetry.run("elect controller", () -> attempt(brokerId, ttlSeconds));
    }

    private CompletableFuture<Optional<Optional<ControllerSession>>> attempt(int brokerId, long ttlSeconds) {
        ByteSequence controllerKey = ctx.keys().controller();
        ByteSequence epochKey = ctx.keys().controllerEpoch();
        return ctx.calls().call("read controller", () -> ctx.kv().txn()
                .Then(Op.get(controllerKey, GetOption.DEFAULT), Op.get(epochKey, GetOption.DEFAULT))
                .commit())
            .thenCompose(read -> {
                if (!read.getGetResponses().get(0).getKvs().isEmpty()) {
                    return CompletableFuture.completedFuture(Optional.of(Optional.<ControllerSession>empty()));
                }
                List<KeyValue> epochKvs = read.getGetResponses().get(1).getKvs();
                int previousEpoch = epochKvs.isEmpty() ? 0 : ValueCodec.decode(epochKvs.get(0).getValue(),
                    StoredValues.ControllerEpochValue.class, epochKey).epoch();
                long epochRevision = epochKvs.isEmpty() ? 0 : epochKvs.get(0).getModRevision();
                long requestedNanos = System.nanoTime();
                return ctx.calls().call("grant controller lease", () -> leases.grant(ttlSeconds))
                    .thenCompose(grant -> campaign(brokerId, previousEpoch + 1, epochRevision, grant.getID(),
                        grant.getTTL(), requestedNanos));
            });
    }

    private CompletableFuture<Optional<Optional<ControllerSession>>> campaign(int brokerId, int epoch,
                                                                              long epochRevision, long leaseId,
                                                                              long ttl, long requestedNanos) {
        ByteSequence controllerKey = ctx.keys().controller();
        ByteSequence epochKey = ctx.keys().controllerEpoch();
        Cmp epochGuard = epochRevision == 0
            ? new Cmp(epochKey, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(epochKey, Cmp.Op.EQUAL, CmpTarget.modRevision(epochRevision));
        ByteSequence epochValue = ValueCodec.encode(
            new StoredValues.ControllerEpochValue(StoredValues.VERSION, epoch, brokerId));
        ByteSequence controllerValue = ValueCodec.encode(
            new StoredValues.ControllerValue(StoredValues.VERSION, brokerId, epoch));
        return ctx.calls().call("elect controller", () -> ctx.kv().txn()
                .If(new Cmp(controllerKey, Cmp.Op.EQUAL, CmpTarget.version(0)), epochGuard)
                .Then(Op.put(epochKey, epochValue, PutOption.DEFAULT),
                    Op.put(controllerKey, controllerValue, PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(controllerKey, GetOption.DEFAULT))
                .commit())
            .exceptionallyCompose(error -> {
                revokeQuietly(leaseId);
                return CompletableFuture.failedFuture(error);
            })
            .thenCompose(response -> {
                if (!response.isSucceeded()) {
                    revokeQuietly(leaseId);
                    boolean held = !response.getGetResponses().get(0).getKvs().isEmpty();
                    // held: another broker won; not held: only the epoch moved (a race of two elections), retry
                    return CompletableFuture.completedFuture(
                        held ? Optional.of(Optional.<ControllerSession>empty()) : Optional.empty());
                }
                long revision = response.getHeader().getRevision();
                EtcdControllerSession session = new EtcdControllerSession(brokerId, epoch, leaseId,
                    Duration.ofSeconds(ttl), requestedNanos, revision, ctx, leases, writer, open::remove);
                open.add(session);
                session.startKeepAlive();
                LOG.info("Broker {} elected active controller with controller epoch {} (lease {}, TTL {} s, etcd "
                    + "revision {})", brokerId, epoch, Long.toHexString(leaseId), ttl, revision);
                return ctx.afterCacheSees(revision, Optional.of(Optional.<ControllerSession>of(session)))
                    .exceptionallyCompose(error -> {
                        CompletableFuture.runAsync(session::close, ctx.callbacks());
                        return CompletableFuture.failedFuture(error);
                    });
            });
    }

    private void revokeQuietly(long leaseId) {
        ctx.calls().call("revoke lease", () -> leases.revoke(leaseId)).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("Revoking unused controller lease {} failed: {}", Long.toHexString(leaseId), e.getMessage());
            }
        });
    }

    /** Resigns every session won through this store and still open. */
    void closeAll() {
        for (EtcdControllerSession session : Set.copyOf(open)) {
            session.close();
        }
    }
}
