package io.sluice.tiering.read;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link ObjectStore} decorator that records every read ({@code "get KEY"}, {@code "range KEY POSITION LENGTH"})
 * and, while {@link #hold() held}, keeps reads' results back until {@link #release()}: a deterministic stand-in for a
 * slow store.
 */
final class RecordingObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final List<String> reads = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    RecordingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** The reads so far, in order. */
    synchronized List<String> reads() {
        return List.copyOf(reads);
    }

    /** The ranged reads of {@code key} so far, as {@code [position, length]}. */
    synchronized List<List<Long>> ranges(String key) {
        List<List<Long>> out = new ArrayList<>();
        for (String read : reads) {
            String[] parts = read.split(" ");
            if (parts[0].equals("range") && parts[1].equals(key)) {
                out.add(List.of(Long.parseLong(parts[2]), Long.parseLong(parts[3])));
            }
        }
        return out;
    }

    /** How many whole-object reads of {@code key} there were. */
    synchronized long gets(String key) {
        return reads.stream().filter(r -> r.equals("get " + key)).count();
    }

    /** From now on, reads complete only at {@link #release()}. */
    synchronized void hold() {
        holding = true;
    }

    /** Completes the held reads and stops holding. */
    void release() {
        List<Runnable> toRun;
        synchronized (this) {
            holding = false;
            toRun = List.copyOf(held);
            held.clear();
        }
        toRun.forEach(Runnable::run);
    }

    private <T> CompletableFuture<T> record(String what, CompletableFuture<T> result) {
        synchronized (this) {
            reads.add(what);
            if (holding) {
                CompletableFuture<T> later = new CompletableFuture<>();
                held.add(() -> result.whenComplete((v, e) -> {
                    if (e == null) {
                        later.complete(v);
                    } else {
                        later.completeExceptionally(e);
                    }
                }));
                return later;
            }
        }
        return result;
    }

    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        return record("range " + key + " " + position + " " + length, delegate.getRange(key, position, length));
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        return record("get " + key, delegate.get(key));
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
