package io.sluice.broker.tiering;

import io.sluice.tiering.remote.OrphanCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Runs the {@link OrphanCollector} periodically: each partition leader scans its own partition's prefix every
 * {@code intervalMs}, and the broker that is the active controller removes the remote data of deleted topics. Objects
 * younger than the collector's minimum age (longer than any upload) are never touched.
 *
 * <p>Confined to the {@link RemoteLogManager}'s thread.
 */
final class OrphanCollectionTask {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanCollectionTask.class);

    private final OrphanCollector collector;
    private final long intervalMs;
    private final BooleanSupplier isController;
    private final Executor managerThread;
    private final RemoteLogMetrics metrics;
    private long nextDeletedTopicsScanAtMs;
    private boolean deletedTopicsScanBusy;

    OrphanCollectionTask(OrphanCollector collector, long intervalMs, BooleanSupplier isController,
                         Executor managerThread, RemoteLogMetrics metrics) {
        this.collector = collector;
        this.intervalMs = intervalMs;
        this.isController = isController;
        this.managerThread = managerThread;
        this.metrics = metrics;
    }

    /** Scans one led partition's prefix if its last scan is an interval old (the first after one interval). */
    void maybeCollect(PartitionCopyState state, long now) {
        if (state.nextOrphanScanAtMs == 0) {
            state.nextOrphanScanAtMs = now + intervalMs;
            return;
        }
        if (now < state.nextOrphanScanAtMs) {
            return;
        }
        state.nextOrphanScanAtMs = now + intervalMs;
        collector.collect(state.partition.topicId(), state.partition.partition())
                .whenCompleteAsync((result, error) -> {
                    if (error != null) {
                        LOG.warn("orphan scan of {} failed: {}", state.partition, error.toString());
                    } else if (!result.deleted().isEmpty()) {
                        metrics.orphansDeleted(result.deleted().size());
                        LOG.info("deleted {} orphaned objects of {}", result.deleted().size(), state.partition);
                    }
                }, managerThread);
    }

    /** On the controller only: removes objects and metadata of deleted topics, once per interval. */
    void maybeCollectDeletedTopics(long now) {
        if (deletedTopicsScanBusy || now < nextDeletedTopicsScanAtMs || !isController.getAsBoolean()) {
            return;
        }
        deletedTopicsScanBusy = true;
        nextDeletedTopicsScanAtMs = now + intervalMs;
        collector.collectDeletedTopics().whenCompleteAsync((result, error) -> {
            deletedTopicsScanBusy = false;
            if (error != null) {
                LOG.warn("removing remote data of deleted topics failed: {}", error.toString());
            } else if (!result.deleted().isEmpty()) {
                metrics.orphansDeleted(result.deleted().size());
                LOG.info("deleted {} objects of deleted topics", result.deleted().size());
            }
        }, managerThread);
    }
}
