package io.sluice.metadata.controller;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionChange;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.TopicConfigDefs;

import org.apache.kafka.common.TopicIdPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * What the controller does during one term (one {@link ControllerSession}): on each new metadata image it finds the
 * partitions whose state must change and hands them to a {@link PartitionWorkQueue}, whose writes are fenced by the
 * session; on a timer it runs the preferred leader check.
 *
 * <ul>
 *   <li>The first image of the term, and any image in which brokers registered or unregistered: every partition is
 *       checked against the live brokers (so failures that happened while no controller was active are handled
 *       too).</li>
 *   <li>A broker whose broker epoch changed between two images the term saw (it registered again, and the image in
 *       which it was gone was skipped) is handled as gone and back: {@link PartitionChanges#afterBrokerChanges(
 *       PartitionState, IntPredicate, Set, java.util.function.BooleanSupplier)}.</li>
 *   <li>Otherwise only partitions of created or changed topics and partitions whose state changed are checked (a
 *       leader may have added a broker that died meanwhile back to the ISR).</li>
 *   <li>An image in which this term's controller key is gone or another controller is registered ends the term
 *       ({@code stepDown}).</li>
 * </ul>
 *
 * <p>Not thread-safe: confined to the controller thread.
 */
final class ActiveTerm {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveTerm.class);

    private final ControllerSession session;
    private final ControllerConfig config;
    private final Map<String, String> brokerDefaults;
    private final ScheduledExecutorService loop;
    private final Consumer<String> stepDown;
    private final PartitionWorkQueue queue;
    private MetadataImage last;
    private ScheduledFuture<?> rebalance;
    private boolean stopped;

    /**
     * @param brokerDefaults the broker settings, for each topic's {@code unclean.leader.election.enable}
     * @param stepDown       called (on the controller thread) when the term must end, with the reason
     */
    ActiveTerm(ControllerSession session, ControllerConfig config, Map<String, String> brokerDefaults,
               ScheduledExecutorService loop, Consumer<String> stepDown) {
        this.session = session;
        this.config = config;
        this.brokerDefaults = brokerDefaults;
        this.loop = loop;
        this.stepDown = stepDown;
        this.queue = new PartitionWorkQueue(this::decide,
            (p, expected, next) -> session.compareAndSetPartitionState(p.topicId(), p.partition(), expected, next),
            loop, error -> stepDown.accept(error.getMessage()));
    }

    ControllerSession session() {
        return session;
    }

    /** Starts the term on {@code image} (which must already show this term's controller key). */
    void start(MetadataImage image) {
        if (config.autoLeaderRebalanceEnable()) {
            long interval = config.leaderImbalanceCheckInterval().toMillis();
            rebalance = loop.scheduleWithFixedDelay(() -> {
                try {
                    checkLeaderImbalance();
                } catch (RuntimeException e) {
                    LOG.error("Controller {}: preferred leader check failed", session.brokerId(), e);
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
        }
        onImage(image);
    }

    /** Reacts to a newer image. */
    void onImage(MetadataImage image) {
        if (stopped || (last != null && image.revision() <= last.revision())) {
            return; // the term may have started on a newer image than the listener delivered so far
        }
        if (image.revision() >= session.electedRevision()
            && (image.controllerId() != session.brokerId() || image.controllerEpoch() != session.epoch())) {
            stepDown.accept("etcd shows controller " + image.controllerId() + " with epoch "
                + image.controllerEpoch() + " (this term's lease ended)");
            return;
        }
        MetadataImage previous = last;
        last = image;
        queue.onImage(image);
        if (previous == null) {
            LOG.info("Controller {} (epoch {}) checking all partitions against live brokers {}", session.brokerId(),
                session.epoch(), image.brokers().keySet());
            queue.markAll(image, PartitionWorkQueue.Intent.RECONCILE);
        } else {
            markChanged(previous, image);
        }
        queue.pump();
    }

    private void markChanged(MetadataImage previous, MetadataImage image) {
        MetadataDelta delta = MetadataDelta.between(previous, image);
        Set<Integer> restarted = new TreeSet<>();
        Set<Integer> registered = new TreeSet<>();
        for (BrokerRegistration broker : delta.registeredBrokers()) {
            boolean wasLive = previous.brokers().containsKey(broker.brokerId());
            if (wasLive && !previous.brokerEpoch(broker.brokerId()).equals(image.brokerEpoch(broker.brokerId()))) {
                restarted.add(broker.brokerId());
            } else if (!wasLive) {
                registered.add(broker.brokerId());
            }
        }
        Set<Integer> unregistered = new TreeSet<>();
        delta.unregisteredBrokers().forEach(b -> unregistered.add(b.brokerId()));
        if (!registered.isEmpty() || !unregistered.isEmpty() || !restarted.isEmpty()) {
            LOG.info("Controller {} (epoch {}): brokers registered {}, unregistered {}, registered again {}; live "
                    + "brokers now {}; checking all partitions", session.brokerId(), session.epoch(), registered,
                unregistered, restarted, image.brokers().keySet());
            queue.markAll(image, new PartitionWorkQueue.Intent(false, restarted));
            return;
        }
        delta.createdTopics().forEach(t -> queue.markTopic(t, PartitionWorkQueue.Intent.RECONCILE));
        delta.changedTopics().forEach(t -> queue.markTopic(t, PartitionWorkQueue.Intent.RECONCILE));
        for (PartitionChange change : delta.partitionChanges()) {
            if (change.current().isPresent()) {
                queue.mark(change.partition(), PartitionWorkQueue.Intent.RECONCILE);
            }
        }
    }

    /** The preferred leader check (auto leader rebalance): marks every partition whose preferred replica could lead. */
    void checkLeaderImbalance() {
        if (stopped || last == null) {
            return;
        }
        IntPredicate live = last.brokers()::containsKey;
        int count = 0;
        for (TopicMetadata topic : last.topicsById().values()) {
            for (Map.Entry<Integer, PartitionState> entry : topic.partitions().entrySet()) {
                if (PartitionChanges.preferredLeader(entry.getValue(), live).isPresent()) {
                    queue.mark(topic.topicIdPartition(entry.getKey()), PartitionWorkQueue.Intent.PREFERRED);
                    count++;
                }
            }
        }
        if (count > 0) {
            LOG.info("Controller {} (epoch {}): moving leadership of {} partition(s) back to their preferred replica",
                session.brokerId(), session.epoch(), count);
            queue.pump();
        }
    }

    private Optional<PartitionState> decide(TopicIdPartition partition, TopicMetadata topic, PartitionState current,
                                            PartitionWorkQueue.Intent intent, MetadataImage image) {
        IntPredicate live = image.brokers()::containsKey;
        Optional<PartitionState> next = PartitionChanges.afterBrokerChanges(current, live, intent.restarted(),
            () -> uncleanElectionEnabled(topic));
        if (next.isEmpty() && intent.preferred()) {
            next = PartitionChanges.preferredLeader(current, live);
        }
        next.ifPresent(n -> logDecision(partition, current, n));
        return next;
    }

    private void logDecision(TopicIdPartition partition, PartitionState current, PartitionState next) {
        if (PartitionChanges.isUncleanElection(current, next)) {
            LOG.warn("Controller {} (epoch {}): unclean leader election for {}: broker {} was not in the ISR {}; "
                    + "records acknowledged by the old ISR may be lost", session.brokerId(), session.epoch(),
                partition.topicPartition(), next.leader(), current.isr());
        } else if (current.hasLeader() && !next.hasLeader()) {
            LOG.warn("Controller {} (epoch {}): partition {} goes offline: no live ISR member among {} (unclean "
                + "leader election disabled)", session.brokerId(), session.epoch(), partition.topicPartition(),
                current.isr());
        }
    }

    /** Whether {@code unclean.leader.election.enable} is true for the topic (override, else broker default). */
    private boolean uncleanElectionEnabled(TopicMetadata topic) {
        try {
            return TopicConfigDefs.resolve(topic.configOverrides(), brokerDefaults).uncleanLeaderElectionEnable();
        } catch (RuntimeException e) {
            LOG.warn("Cannot resolve the configs of topic {}; no unclean election: {}", topic.name(), e.getMessage());
            return false;
        }
    }

    /** Ends the term: no more writes. */
    void stop() {
        stopped = true;
        queue.stop();
        if (rebalance != null) {
            rebalance.cancel(false);
        }
    }

    /** Runs {@code task} on the controller thread unless it is shut down. */
    static void runOn(ScheduledExecutorService loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Controller thread stopped; dropping a task");
        }
    }
}
