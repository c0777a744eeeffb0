package io.sluice.tiering.objectstore;

import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ObjectStore} in memory, for unit tests of code above the object store (kept in {@code src/main} so other
 * modules' tests can use it). Futures complete on the caller's thread. Keys sort as in S3 (binary UTF-8 order, which
 * for the ASCII keys Sluice writes is {@link String} order); {@code lastModified} comes from the injected clock.
 *
 * <p><b>Fault injection.</b> {@link #failNext(int, ObjectStoreException.Kind)} makes the next N operations fail with
 * an {@link ObjectStoreException} of that kind (e.g. {@link ObjectStoreException.Kind#THROTTLED}, as S3's 503
 * {@code SlowDown}); {@link #failNext(Operation, int, ObjectStoreException.Kind)} only the next N of one operation;
 * {@link #setAvailable(boolean) setAvailable(false)} fails every operation with a retriable
 * {@link ObjectStoreException.Kind#CONNECTION} error until it is made available again (an outage). A failed
 * operation changes nothing. Thread-safe.
 */
public final class InMemoryObjectStore implements ObjectStore {

    /** The operations, for counting and targeted fault injection. */
    public enum Operation { PUT, GET, LIST, DELETE, HEAD }

    private record Stored(byte[] data, Instant lastModified) {
    }

    private record Fault(Operation operation, ObjectStoreException.Kind kind) {
    }

    private final Time time;
    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final Map<Operation, AtomicLong> calls = new EnumMap<>(Operation.class);
    private final List<Fault> faults = new ArrayList<>();   // guarded by itself
    private volatile boolean available = true;
    private volatile boolean closed;

    /** A store whose {@code lastModified} is the system clock. */
    public InMemoryObjectStore() {
        this(Time.SYSTEM);
    }

    /** @param time the clock for {@code lastModified} (inject one to test age thresholds) */
    public InMemoryObjectStore(Time time) {
        this.time = time;
        for (Operation op : Operation.values()) {
            calls.put(op, new AtomicLong());
        }
    }

    /** The next {@code count} operations (of any kind) fail with {@code kind}. */
    public void failNext(int count, ObjectStoreException.Kind kind) {
        failNext(null, count, kind);
    }

    /** The next {@code count} calls of {@code operation} ({@code null}: any) fail with {@code kind}. */
    public void failNext(Operation operation, int count, ObjectStoreException.Kind kind) {
        synchronized (faults) {
            for (int i = 0; i < count; i++) {
                faults.add(new Fault(operation, kind));
            }
        }
    }

    /** Faults injected and not yet used. */
    public int pendingFaults() {
        synchronized (faults) {
            return faults.size();
        }
    }

    /** While false, every operation fails with a retriable connection error (an outage). */
    public void setAvailable(boolean value) {
        available = value;
    }

    /** How many times {@code operation} was called (including failed calls). */
    public long calls(Operation operation) {
        return calls.get(operation).get();
    }

    /** The number of objects stored. */
    public int size() {
        return objects.size();
    }

    /** The stored keys, sorted. */
    public List<String> keys() {
        return List.copyOf(objects.keySet());
    }

    /** Sets an object's modification time (to age objects in tests). */
    public void setLastModified(String key, Instant lastModified) {
        objects.computeIfPresent(key, (k, s) -> new Stored(s.data(), lastModified));
    }

    /** Replaces an object's bytes in place, keeping its modification time (to simulate corruption in tests). */
    public void corrupt(String key, byte[] data) {
        objects.computeIfPresent(key, (k, s) -> new Stored(data.clone(), s.lastModified()));
    }

    private Optional<ObjectStoreException> check(Operation operation, String what) {
        calls.get(operation).incrementAndGet();
        if (closed) {
            return Optional.of(ObjectStoreException.of(ObjectStoreException.Kind.OTHER, "store closed"));
        }
        if (!available) {
            return Optional.of(ObjectStoreException.of(ObjectStoreException.Kind.CONNECTION,
                "injected outage: " + what));
        }
        synchronized (faults) {
            for (int i = 0; i < faults.size(); i++) {
                Fault fault = faults.get(i);
                if (fault.operation() == null || fault.operation() == operation) {
                    faults.remove(i);
                    return Optional.of(ObjectStoreException.of(fault.kind(), "injected " + fault.kind() + ": " + what,
                        fault.kind() == ObjectStoreException.Kind.THROTTLED ? 503 : 0, null));
                }
            }
        }
        return Optional.empty();
    }

    private Instant now() {
        return Instant.ofEpochMilli(time.milliseconds());
    }

    private static Optional<IllegalArgumentException> badKey(String key) {
        return key == null || key.isEmpty()
            ? Optional.of(new IllegalArgumentException("empty object key"))
            : Optional.empty();
    }

    @Override
    public CompletableFuture<Void> put(String key, Path file) {
        if (badKey(key).isPresent()) {
            return CompletableFuture.failedFuture(badKey(key).get());
        }
        Optional<ObjectStoreException> fault = check(Operation.PUT, "put " + key);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        try {
            objects.put(key, new Stored(Files.readAllBytes(file), now()));
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(ObjectStoreException.of(ObjectStoreException.Kind.OTHER,
                "cannot read " + file + ": " + e, 0, e));
        }
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        if (badKey(key).isPresent()) {
            return CompletableFuture.failedFuture(badKey(key).get());
        }
        Optional<ObjectStoreException> fault = check(Operation.PUT, "put " + key);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        ByteBuffer view = data.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        objects.put(key, new Stored(bytes, now()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        if (position < 0 || length <= 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("invalid range: position " + position
                + ", length " + length));
        }
        Optional<ObjectStoreException> fault = check(Operation.GET, "get " + key);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        Stored stored = objects.get(key);
        if (stored == null) {
            return CompletableFuture.failedFuture(ObjectNotFoundException.forKey(key));
        }
        if (position >= stored.data().length) {
            return CompletableFuture.failedFuture(ObjectStoreException.of(ObjectStoreException.Kind.INVALID_RANGE,
                "position " + position + " is beyond the end of " + key + " (" + stored.data().length + " bytes)",
                416, null));
        }
        int n = (int) Math.min(length, stored.data().length - position);
        byte[] copy = new byte[n];
        System.arraycopy(stored.data(), (int) position, copy, 0, n);
        return CompletableFuture.completedFuture(ByteBuffer.wrap(copy));
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        Optional<ObjectStoreException> fault = check(Operation.GET, "get " + key);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        Stored stored = objects.get(key);
        if (stored == null) {
            return CompletableFuture.failedFuture(ObjectNotFoundException.forKey(key));
        }
        return CompletableFuture.completedFuture(ByteBuffer.wrap(stored.data().clone()));
    }

    @Override
    public CompletableFuture<List<ObjectSummary>> list(String prefix) {
        Optional<ObjectStoreException> fault = check(Operation.LIST, "list " + prefix);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        List<ObjectSummary> out = new ArrayList<>();
        for (Map.Entry<String, Stored> e : objects.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new ObjectSummary(e.getKey(), e.getValue().data().length, e.getValue().lastModified()));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Void> delete(Collection<String> keys) {
        Optional<ObjectStoreException> fault = check(Operation.DELETE, "delete " + keys.size() + " object(s)");
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        keys.forEach(objects::remove);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<ObjectSummary>> head(String key) {
        Optional<ObjectStoreException> fault = check(Operation.HEAD, "head " + key);
        if (fault.isPresent()) {
            return CompletableFuture.failedFuture(fault.get());
        }
        Stored stored = objects.get(key);
        return CompletableFuture.completedFuture(Optional.ofNullable(stored)
            .map(s -> new ObjectSummary(key, s.data().length, s.lastModified())));
    }

    @Override
    public void close() {
        closed = true;
    }
}
