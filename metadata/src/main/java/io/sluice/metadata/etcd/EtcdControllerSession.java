package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.grpc.Status;
import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A won controller term: keeps the lease of the {@code controller} key alive (jetcd sends keep-alives every TTL/3),
 * turns jetcd's keep-alive signals into {@link #lost()}, fences every partition write with
 * {@code create_revision(controller) == electedRevision}, and revokes the lease on {@link #close()}.
 */
final class EtcdControllerSession implements ControllerSession {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdControllerSession.class);

    private final int brokerId;
    private final int epoch;
    private final long leaseId;
    private final long electedRevision;
    private final WriteContext ctx;
    private final Lease leases;
    private final PartitionStateWriter writer;
    private final Consumer<EtcdControllerSession> onClose;
    private final Duration leaseTtl;
    private final LeaseKeepAlive keepAlive;

    /**
     * @param leaseTtl       the TTL etcd granted
     * @param requestedNanos {@link System#nanoTime()} before the lease was requested (its TTL runs from the grant)
     */
    EtcdControllerSession(int brokerId, int epoch, long leaseId, Duration leaseTtl, long requestedNanos,
                          long electedRevision, WriteContext ctx, Lease leases, PartitionStateWriter writer,
                          Consumer<EtcdControllerSession> onClose) {
        this.leaseTtl = leaseTtl;
        this.keepAlive = new LeaseKeepAlive(leases, leaseId, "controller lease " + Long.toHexString(leaseId)
            + " (broker " + brokerId + ", controller epoch " + epoch + ")", requestedNanos);
        this.brokerId = brokerId;
        this.epoch = epoch;
        this.leaseId = leaseId;
        this.electedRevision = electedRevision;
        this.ctx = ctx;
        this.leases = leases;
        this.writer = writer;
        this.onClose = onClose;
    }

    void startKeepAlive() {
        keepAlive.start();
    }

    @Override
    public int brokerId() {
        return brokerId;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    @Override
    public long electedRevision() {
        return electedRevision;
    }

    @Override
    public Duration leaseTtl() {
        return leaseTtl;
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
    public CompletableFuture<Boolean> compareAndSetPartitionState(Uuid topicId, int partition,
                                                                  PartitionState expected, PartitionState next) {
        List<PartitionStateWriter.Guard> guards = new ArrayList<>();
        guards.add(fence());
        if (next.hasLeader() && next.leader() != expected.leader()) {
            ByteSequence broker = ctx.keys().broker(next.leader());
            guards.add(new PartitionStateWriter.Guard(broker, new Cmp(broker, Cmp.Op.GREATER, CmpTarget.version(0)),
                kv -> kv.isPresent(), null));
        }
        return writer.compareAndSet(topicId, partition, expected, next, guards,
            "controller " + brokerId + " (controller epoch " + epoch + ")");
    }

    /** The guard every write of this term carries: the {@code controller} key is still the one this term created. */
    private PartitionStateWriter.Guard fence() {
        ByteSequence key = ctx.keys().controller();
        return new PartitionStateWriter.Guard(key,
            new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(electedRevision)),
            kv -> kv.map(k -> k.getCreateRevision() == electedRevision).orElse(false),
            () -> new NotControllerException("Broker " + brokerId + " is no longer the active controller (its epoch "
                + epoch + " ended: lease expired or revoked, or another broker was elected)"));
    }

    @Override
    public void close() {
        if (!keepAlive.stop()) {
            return;
        }
        if (keepAlive.lost().isDone()) {
            LOG.info("Broker {} closed its lost controller session (epoch {})", brokerId, epoch);
            onClose.accept(this);
            return;
        }
        try {
            ctx.calls().call("revoke controller lease", () -> leases.revoke(leaseId))
                .get(ctx.calls().timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            LOG.info("Broker {} resigned as controller (epoch {}, lease {} revoked)", brokerId, epoch,
                Long.toHexString(leaseId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (leaseNotFound(e)) {
                LOG.info("Broker {} resigned as controller (epoch {}): lease {} had already ended", brokerId, epoch,
                    Long.toHexString(leaseId));
            } else {
                LOG.warn("Could not revoke the controller lease {} of broker {}; it expires on its own: {}",
                    Long.toHexString(leaseId), brokerId, e.getMessage());
            }
        } finally {
            onClose.accept(this);
        }
    }

    /** Whether a failure says etcd does not know the lease (it ended already). */
    private static boolean leaseNotFound(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
                return true;
            }
        }
        return Status.fromThrowable(error).getCode() == Status.Code.NOT_FOUND;
    }

    @Override
    public String toString() {
        return "ControllerSession(broker=" + brokerId + ", epoch=" + epoch + ", lease=" + Long.toHexString(leaseId)
            + ", electedRevision=" + electedRevision + ")";
    }
}
