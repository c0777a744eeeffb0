package io.sluice.broker.partition;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.PartitionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Writes a leader's ISR changes to etcd, Sluice's AlterPartition: a compare-and-swap on the partition state the
 * leader last saw (so a change made meanwhile by the controller, such as a new leader epoch, makes it fail) that is
 * also fenced by the leader's broker epoch, one change in flight per partition. The partition adopts the new ISR when the metadata watch delivers it.
 */
public final class IsrUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(IsrUpdater.class);

    private final MetadataStore store;
    private final int brokerId;
    private final LongSupplier brokerEpoch;

    /**
     * @param brokerEpoch this broker's current registration epoch: a write from a broker whose registration is
     *                    gone or newer than the writer's (a paused, deposed leader) is rejected by etcd with
     *                    STALE_BROKER_EPOCH
     */
    public IsrUpdater(MetadataStore store, int brokerId, LongSupplier brokerEpoch) {
        this.store = store;
        this.brokerId = brokerId;
        this.brokerEpoch = brokerEpoch;
    }

    /** Proposes {@code proposed} (same leader and leader epoch, new ISR, partition epoch + 1). */
    public void submit(Partition partition, PartitionState proposed) {
        PartitionState expected = partition.state();
        partition.isrChangeInFlight(true);
        store.compareAndSetPartitionState(partition.topicIdPartition().topicId(), partition.topicPartition().partition(),
                expected, proposed, brokerId, brokerEpoch.getAsLong()).whenComplete((applied, error) -> {
                    if (error != null || !Boolean.TRUE.equals(applied)) {
                        partition.isrChangeInFlight(false);
                        LOG.info("ISR change of partition={} from {} to {} not applied: {}", partition.topicPartition(),
                                expected.isr(), proposed.isr(), error != null ? error.toString() : "state changed meanwhile");
                    } else {
                        LOG.info("ISR {} partition={} leaderEpoch={} isr={} -> {}",
                                proposed.isr().size() > expected.isr().size() ? "expanded" : "shrunk",
                                partition.topicPartition(), proposed.leaderEpoch(), expected.isr(), proposed.isr());
                    }
                });
    }
}
