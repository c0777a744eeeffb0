package io.sluice.metadata.controller;

import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Sluice controller: Kafka's KRaft controller duties with etcd in the Raft quorum's place. Every broker starts
 * one; at most one is active at a time. See {@code docs/controller.md}.
 *
 * <p><b>Election.</b> While no controller is active (the metadata image shows {@link MetadataImage#NO_CONTROLLER},
 * checked on every image and every {@code leaseTtl / 4}, at most 1 s), the controller campaigns with
 * {@link MetadataStore#tryBecomeController}: the winner holds the {@code controller} key under a lease of
 * {@link ControllerConfig#leaseTtl()} and gets the next controller epoch. When it dies or is paused past its lease,
 * etcd deletes the key and another broker wins within about one TTL.
 *
 * <p><b>Fencing.</b> Every write of the active controller goes through its {@link ControllerSession}, which compares
 * the controller key's create revision in the same etcd transaction; a stale controller changes nothing, gets
 * NOT_CONTROLLER and steps down. It also steps down when its lease is reported lost, when no keep-alive was
 * acknowledged for a whole lease TTL, or when the image shows another controller.
 *
 * <p><b>Duties while active</b> (see {@link ActiveTerm} and {@link PartitionChanges}): when brokers unregister (lease
 * expired or revoked) or register, elect leaders from the ISR among live brokers (unclean only when the topic's
 * {@code unclean.leader.election.enable} allows), remove dead brokers from ISRs (never emptying one), give leaderless
 * partitions back to a returning ISR member; every {@link ControllerConfig#leaderImbalanceCheckInterval()} move
 * leadership back to preferred replicas ({@link ControllerConfig#autoLeaderRebalanceEnable()}).
 *
 * <p><b>Threads.</b> One daemon thread per controller runs every state transition and decision; etcd calls are
 * asynchronous and their completions come back to it. Public methods are thread-safe and do not block, except
 * {@link #close()}.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final MetadataStore store;
    private final int brokerId;
    private final ControllerConfig config;
    private final ScheduledExecutorService loop;
    private final ElectLeadersRunner elections;
    private final AtomicReference<MetadataImage> latest = new AtomicReference<>(MetadataImage.EMPTY);
    private final AtomicBoolean imageQueued = new AtomicBoolean();
    private volatile ControllerRole role = new ControllerRole.Inactive();
    private volatile MetadataCache.Subscription subscription;

    private Controller(MetadataStore store, int brokerId, ControllerConfig config) {
        this.store = store;
        this.brokerId = brokerId;
        this.config = config;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-controller-" + brokerId);
            t.setDaemon(true);
            return t;
        });
        this.elections = new ElectLeadersRunner(store, this::activeSession);
    }

    /**
     * Starts this broker's controller: it campaigns in the background and becomes active when elected. Returns at
     * once.
     *
     * @param store    the broker's metadata store (its cache feeds the controller; it must outlive the controller)
     * @param brokerId this broker's {@code node.id}
     */
    public static Controller start(MetadataStore store, int brokerId, ControllerConfig config) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(config, "config");
        Controller controller = new Controller(store, brokerId, config);
        controller.subscription = store.cache().addListener(controller::onMetadataUpdate);
        long tick = Math.max(100, Math.min(1_000, config.leaseTtl().toMillis() / 4));
        controller.loop.scheduleWithFixedDelay(controller::safeTick, 0, tick, TimeUnit.MILLISECONDS);
        LOG.info("Controller of broker {} started (lease TTL {} ms, auto leader rebalance {}, every {} ms)", brokerId,
            config.leaseTtl().toMillis(), config.autoLeaderRebalanceEnable(),
            config.leaderImbalanceCheckInterval().toMillis());
        return controller;
    }

    /** Whether this broker is the active controller now (elected, its term not known to have ended). */
    public boolean isActive() {
        return role instanceof ControllerRole.Active;
    }

    /** The controller epoch of this broker's current term, empty when it is not the active controller. */
    public OptionalInt activeEpoch() {
        return activeSession().map(s -> OptionalInt.of(s.epoch())).orElse(OptionalInt.empty());
    }

    /** The current term's session while active (for tests). */
    Optional<ControllerSession> activeSession() {
        return role instanceof ControllerRole.Active active
            ? Optional.of(active.term().session()) : Optional.empty();
    }

    /**
     * ElectLeaders (API key 43, KIP-460) for {@code partitions}, or for every partition when {@code partitions} is
     * null. Runs on whichever broker receives it, active controller or not: each partition is decided on this
     * broker's metadata image by {@link PartitionChanges#electLeader} and written with a compare-and-swap on the
     * partition state (fenced by the controller epoch too when this broker is the active controller), so it never
     * overwrites a newer decision. Completes once every written election is in etcd and in this broker's cache.
     *
     * @return per partition: NONE (elected), ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
     *         ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT (etcd unavailable, or
     *         the partition kept changing); fails with {@link NotControllerException} (NOT_CONTROLLER) only when
     *         this controller is closed (the broker is shutting down)
     */
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        Objects.requireNonNull(type, "type");
        if (role instanceof ControllerRole.Closed) {
            return CompletableFuture.failedFuture(new NotControllerException("The controller of broker " + brokerId
                + " is shut down."));
        }
        return elections.run(type, partitions);
    }

    // ---- events, all handled on the controller thread -------------------------------------------------------------

    private void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        latest.set(image);
        if (imageQueued.compareAndSet(false, true)) {
            ActiveTerm.runOn(loop, this::processImage);
        }
    }

    private void processImage() {
        imageQueued.set(false);
        MetadataImage image = latest.get();
        ControllerRole current = role;
        if (current instanceof ControllerRole.Active active) {
            active.term().onImage(image);
        } else if (current instanceof ControllerRole.Inactive && image.controllerId() == MetadataImage.NO_CONTROLLER
            && image != MetadataImage.EMPTY) {
            campaign();
        }
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("Controller of broker {}: periodic check failed", brokerId, e); // keep the schedule alive
        }
    }

    /**
     * Periodic: campaigns when no controller is known (covers a missed watch event or a failed attempt), and ends
     * the term of an active controller that heard no keep-alive acknowledgement for a whole lease TTL (etcd may have
     * expired the lease; jetcd can take up to its keep-alive timeout to report that).
     */
    private void tick() {
        ControllerRole current = role;
        if (current instanceof ControllerRole.Active active) {
            ControllerSession session = active.term().session();
            long silentNanos = System.nanoTime() - session.lastKeepAliveNanos();
            if (silentNanos > session.leaseTtl().toNanos()) {
                stepDown(session, "no keep-alive of the controller lease was acknowledged for "
                    + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (lease TTL " + session.leaseTtl().toMillis()
                    + " ms)");
            }
            return;
        }
        MetadataImage image = store.cache().image();
        if (current instanceof ControllerRole.Inactive && image != MetadataImage.EMPTY
            && image.controllerId() == MetadataImage.NO_CONTROLLER) {
            campaign();
        }
    }

    private void campaign() {
        role = new ControllerRole.Campaigning();
        CompletableFuture<Optional<ControllerSession>> attempt;
        try {
            attempt = store.tryBecomeController(brokerId, config.leaseTtl());
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((won, error) -> {
            try {
                loop.execute(() -> onCampaignResult(won, error));
            } catch (RejectedExecutionException e) {
                if (won != null) {
                    won.ifPresent(Controller::resignAsync);
                }
            }
        });
    }

    private void onCampaignResult(Optional<ControllerSession> won, Throwable error) {
        if (role instanceof ControllerRole.Closed) {
            if (won != null) {
                won.ifPresent(Controller::resignAsync);
            }
            return;
        }
        if (error != null) {
            LOG.warn("Controller election attempt of broker {} failed, retrying: {}", brokerId, error.toString());
            role = new ControllerRole.Inactive();
            return;
        }
        if (won.isEmpty()) {
            role = new ControllerRole.Inactive();
            return;
        }
        ControllerSession session = won.get();
        ActiveTerm term = new ActiveTerm(session, config, store.config().brokerDefaults(), loop,
            reason -> stepDown(session, reason));
        role = new ControllerRole.Active(term);
        session.lost().thenRun(() -> ActiveTerm.runOn(loop, () -> stepDown(session, "controller lease lost")));
        LOG.info("Broker {} is now the active controller (controller epoch {})", brokerId, session.epoch());
        term.start(store.cache().image());
    }

    private void stepDown(ControllerSession session, String reason) {
        if (!(role instanceof ControllerRole.Active active) || active.term().session() != session) {
            return;
        }
        role = new ControllerRole.Inactive();
        active.term().stop();
        LOG.warn("Broker {} is no longer the active controller (controller epoch {}): {}", brokerId, session.epoch(),
            reason);
        resignAsync(session);
    }

    /** Resigns on a thread of its own: revoking may wait up to the request timeout. */
    private static void resignAsync(ControllerSession session) {
        Thread resign = new Thread(session::close, "sluice-controller-resign-" + session.brokerId());
        resign.setDaemon(true);
        resign.start();
    }

    /**
     * Stops the controller: resigns if active (revokes the controller lease, so another broker takes over at once
     * instead of after the TTL) and stops campaigning. Waits at most a few seconds. Idempotent.
     */
    @Override
    public void close() {
        MetadataCache.Subscription sub = subscription;
        if (sub != null) {
            sub.close();
        }
        ControllerSession toResign = null;
        try {
            Future<ControllerSession> closing = loop.submit(() -> {
                ControllerRole current = role;
                role = new ControllerRole.Closed();
                if (current instanceof ControllerRole.Active active) {
                    active.term().stop();
                    return active.term().session();
                }
                return null;
            });
            toResign = closing.get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Controller of broker {} did not stop cleanly: {}", brokerId, e.toString());
        } finally {
            loop.shutdownNow();
        }
        if (toResign != null) {
            toResign.close();
        }
        LOG.info("Controller of broker {} closed", brokerId);
    }
}
