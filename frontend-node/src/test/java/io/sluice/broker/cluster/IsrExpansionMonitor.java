package io.sluice.broker.cluster;

import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches every partition state change in etcd and records each ISR expansion that adds a broker which is not
 * registered (its etcd lease is gone) at that revision. Kafka forbids those (KIP-841: a leader adds only registered,
 * unfenced replicas to the ISR, and the controller rejects anything else with INELIGIBLE_REPLICA), because an ISR
 * member is a candidate for clean leader election and counts towards {@code min.insync.replicas}.
 *
 * <p>Runs on the metadata cache's notification thread; {@link #violations()} may be read from any thread.
 */
public final class IsrExpansionMonitor implements MetadataListener, AutoCloseable {
    private final List<Violation> violations = Collections.synchronizedList(new ArrayList<>());
    private MetadataCache.Subscription subscription;
    private MetadataImage previous = MetadataImage.EMPTY;

    /** A monitor fed by hand through {@link #onMetadataUpdate}. */
    IsrExpansionMonitor() {
    }

    /** A monitor watching {@code cache} until closed. */
    public static IsrExpansionMonitor watching(MetadataCache cache) {
        IsrExpansionMonitor monitor = new IsrExpansionMonitor();
        monitor.subscription = cache.addListener(monitor);
        return monitor;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        for (TopicMetadata topic : newImage.topicsById().values()) {
            Optional<TopicMetadata> before = previous.topic(topic.topicId());
            if (before.isEmpty()) {
                continue;
            }
            for (Map.Entry<Integer, PartitionState> entry : topic.partitions().entrySet()) {
                PartitionState old = before.get().partitions().get(entry.getKey());
                if (old == null) {
                    continue;
                }
                Set<Integer> added = new HashSet<>(entry.getValue().isr());
                added.removeAll(old.isr());
                for (int broker : added) {
                    if (newImage.broker(broker).isEmpty()) {
                        violations.add(new Violation(newImage.revision(), topic.name(), entry.getKey(), old.isr(),
                                entry.getValue().isr(), broker, newImage.brokers().keySet()));
                    }
                }
            }
        }
        previous = newImage;
    }

    /** Every ISR expansion to an unregistered broker seen so far. */
    public List<Violation> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /**
     * One ISR expansion to a broker that was not registered.
     *
     * @param revision    the etcd revision of the image that showed it
     * @param topic       the topic name
     * @param partition   the partition index
     * @param isrBefore   the ISR before
     * @param isrAfter    the ISR after
     * @param broker      the added broker
     * @param liveBrokers the brokers registered at that revision
     */
    public record Violation(long revision, String topic, int partition, List<Integer> isrBefore,
                            List<Integer> isrAfter, int broker, Set<Integer> liveBrokers) {
        public Violation {
            isrBefore = List.copyOf(isrBefore);
            isrAfter = List.copyOf(isrAfter);
            liveBrokers = Set.copyOf(liveBrokers);
        }

        @Override
        public String toString() {
            return "revision " + revision + ": " + topic + "-" + partition + " ISR " + isrBefore + " -> " + isrAfter
                    + " adds broker " + broker + ", which is not registered (live brokers "
                    + new java.util.TreeSet<>(liveBrokers) + ")";
        }
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
