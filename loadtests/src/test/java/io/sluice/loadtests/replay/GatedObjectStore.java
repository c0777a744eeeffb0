package io.sluice.loadtests.replay;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An object store whose ranged GETs stay in flight until the test releases them, to observe how many a reader keeps
 * in flight. Everything else goes straight to the delegate.
 */
final class GatedObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    GatedObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** @return GETs started and not yet released */
    int inFlight() {
        return inFlight.get();
    }

    /** @return the most GETs ever in flight at once */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Completes the oldest GET in flight; false if none is. */
    boolean releaseOne() {
        Runnable next = pending.poll();
        if (next == null) {
            return false;
        }
        next.run();
        return true;
    }

    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<ByteBuffer> gated = new CompletableFuture<>();
        pending.add(() -> {
            inFlight.decrementAndGet();
            delegate.getRange(key, position, length).whenComplete((data, error) -> {
                if (error != null) {
                    gated.completeExceptionally(error);
                } else {
                    gated.complete(data);
                }
            });
        });
        return gated;
    }

    @Override
    public CompletableFuture<Void> put(String key, Path file) {
        return delegate.put(key, file);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return delegate.put(key, data);
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        return delegate.get(key);
    }

    @Override
    public CompletableFuture<List<ObjectSummary>> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public CompletableFuture<Void> delete(Collection<String> keys) {
        return delegate.delete(keys);
    }

    @Override
    public CompletableFuture<Optional<ObjectSummary>> head(String key) {
        return delegate.head(key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
