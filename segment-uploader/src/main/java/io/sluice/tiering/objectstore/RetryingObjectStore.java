package io.sluice.tiering.objectstore;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link ObjectStore} that retries the retriable failures of another one with a {@link Retrier} (exponential
 * backoff and jitter, waits scheduled, never slept). Every operation of {@link ObjectStore} is idempotent (a PUT
 * rewrites the same bytes, a DELETE of a missing key succeeds), so retrying any of them is safe. Closing it closes the
 * delegate; the scheduler belongs to the caller.
 */
public final class RetryingObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final Retrier retrier;

    public RetryingObjectStore(ObjectStore delegate, Retrier retrier) {
        this.delegate = delegate;
        this.retrier = retrier;
    }

    /** The retrier, for its counters. */
    public Retrier retrier() {
        return retrier;
    }

    @Override
    public CompletableFuture<Void> put(String key, Path file) {
        return retrier.run("put " + key, () -> delegate.put(key, file));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        return retrier.run("put " + key, () -> delegate.put(key, view.duplicate()));
    }

    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        return retrier.run("get " + key + " [" + position + ", +" + length + ")",
            () -> delegate.getRange(key, position, length));
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        return retrier.run("get " + key, () -> delegate.get(key));
    }

    @Override
    public CompletableFuture<List<ObjectSummary>> list(String prefix) {
        return retrier.run("list " + prefix, () -> delegate.list(prefix));
    }

    @Override
    public CompletableFuture<Void> delete(Collection<String> keys) {
        List<String> copy = List.copyOf(keys);
        return retrier.run("delete " + copy.size() + " object(s)", () -> delegate.delete(copy));
    }

    @Override
    public CompletableFuture<Optional<ObjectSummary>> head(String key) {
        return retrier.run("head " + key, () -> delegate.head(key));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
