package io.sluice.broker.purgatory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds operations that wait on keys (usually topic-partitions) until an event on one of their keys lets them
 * complete or their timeout fires, as Kafka's {@code DelayedOperationPurgatory}: appends and high-watermark
 * changes call {@link #checkAndComplete(Object)}; nothing polls and no thread sleeps.
 *
 * @param <K> the watch key type
 */
public final class DelayedOperationPurgatory<K> {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedOperationPurgatory.class);

    private final String name;
    private final ScheduledExecutorService timer;
    private final Map<K, List<DelayedOperation>> watchers = new ConcurrentHashMap<>();

    /**
     * @param name  for logs and metrics ("Produce", "Fetch")
     * @param timer runs timeouts; its tasks only complete operations
     */
    public DelayedOperationPurgatory(String name, ScheduledExecutorService timer) {
        this.name = name;
        this.timer = timer;
    }

    /**
     * Tries to complete the operation at once; if it cannot, watches it under every key and schedules its
     * timeout.
     *
     * @param delayMs timeout in milliseconds
     * @return true if the operation completed immediately
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys, long delayMs) {
        if (operation.tryComplete()) {
            return true;
        }
        for (K key : keys) {
            watchers.compute(key, (k, list) -> {
                List<DelayedOperation> l = list == null ? new ArrayList<>() : list;
                l.add(operation);
                return l;
            });
        }
        // An event may have fired between the first check and the watch: check once more.
        if (operation.tryComplete()) {
            return true;
        }
        operation.timeoutTask(timer.schedule(() -> expire(operation, keys), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
        return false;
    }

    /**
     * Called after an event on {@code key}: tries every operation watching it and forgets the completed ones.
     *
     * @return how many operations completed
     */
    public int checkAndComplete(K key) {
        List<DelayedOperation> snapshot = new ArrayList<>();
        watchers.computeIfPresent(key, (k, list) -> {
            list.removeIf(DelayedOperation::isCompleted);
            snapshot.addAll(list);
            return list.isEmpty() ? null : list;
        });
        int done = 0;
        for (DelayedOperation op : snapshot) {
            try {
                if (!op.isCompleted() && op.tryComplete()) {
                    done++;
                }
            } catch (RuntimeException e) {
                LOG.error("delayed {} operation failed", name, e);
            }
        }
        if (done > 0) {
            watchers.computeIfPresent(key, (k, list) -> {
                list.removeIf(DelayedOperation::isCompleted);
                return list.isEmpty() ? null : list;
            });
        }
        return done;
    }

    /** @return operations currently watched (an operation watching several keys counts once per key) */
    public int watched() {
        return watchers.values().stream().mapToInt(List::size).sum();
    }

    private void expire(DelayedOperation operation, Collection<K> keys) {
        try {
            operation.complete(true);
        } catch (RuntimeException e) {
            LOG.error("delayed {} operation failed on expiry", name, e);
        }
        for (K key : keys) {
            watchers.computeIfPresent(key, (k, list) -> {
                list.remove(operation);
                return list.isEmpty() ? null : list;
            });
        }
    }
}
