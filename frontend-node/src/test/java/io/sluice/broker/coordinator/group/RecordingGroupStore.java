package io.sluice.broker.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link GroupMetadataStore} for tests: records every write in order and, by default, completes it at once. With
 * {@link #hold()} writes stay pending until the test completes or fails them ({@link #completePending()},
 * {@link #failPending(Throwable)}), so tests can observe what happens while a write is in flight.
 */
final class RecordingGroupStore implements GroupMetadataStore {
    private final List<GroupMetadata> writes = new ArrayList<>();
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private boolean holding;

    @Override
    public synchronized CompletableFuture<Void> storeGroup(GroupMetadata group) {
        writes.add(group);
        if (!holding) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> write = new CompletableFuture<>();
        pending.add(write);
        return write;
    }

    /** Later writes stay pending until completed or failed by the test. */
    synchronized void hold() {
        holding = true;
    }

    /** @return every write so far, oldest first */
    synchronized List<GroupMetadata> writes() {
        return List.copyOf(writes);
    }

    /** @return the latest write */
    synchronized GroupMetadata last() {
        if (writes.isEmpty()) {
            throw new AssertionError("nothing was stored");
        }
        return writes.get(writes.size() - 1);
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /** Completes the pending writes successfully (outside the lock: completions run coordinator tasks). */
    void completePending() {
        drain().forEach(write -> write.complete(null));
    }

    void failPending(Throwable error) {
        drain().forEach(write -> write.completeExceptionally(error));
    }

    private synchronized List<CompletableFuture<Void>> drain() {
        List<CompletableFuture<Void>> drained = List.copyOf(pending);
        pending.clear();
        return drained;
    }
}
