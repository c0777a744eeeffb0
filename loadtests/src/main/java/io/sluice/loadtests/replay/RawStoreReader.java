package io.sluice.loadtests.replay;

import io.sluice.loadtests.metrics.LatencyRecorder;
import io.sluice.loadtests.report.LatencySummary;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.ObjectSummary;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Time;

/**
 * Reads whole objects from the store with ranged GETs of fixed, aligned chunks, the way the broker's remote reader
 * fetches {@code .log} objects (chunk {@code i} is bytes {@code [i * chunkBytes, min((i + 1) * chunkBytes, size))},
 * {@code sluice.remote.fetch.chunk.bytes}), with at most {@code concurrency} GETs in flight. Objects and chunks are
 * requested in order; a new GET starts as soon as one completes. This is the store's throughput as the broker could
 * see it with that chunk size and concurrency, without Kafka's protocol, caching or CRC checks.
 *
 * <p>Every chunk must come back whole ({@code min(chunkBytes, size - position)} bytes); the received bytes are
 * dropped. Not thread-safe: one {@link #read} at a time.
 */
public final class RawStoreReader {
    private final ObjectStore store;
    private final int chunkBytes;
    private final int concurrency;
    private final Time time;

    /**
     * @param store the object store
     * @param chunkBytes bytes per ranged GET, at least 1
     * @param concurrency GETs in flight at most, at least 1
     * @param time clock for the elapsed time and the GET latencies
     */
    public RawStoreReader(ObjectStore store, int chunkBytes, int concurrency, Time time) {
        if (chunkBytes < 1 || concurrency < 1) {
            throw new IllegalArgumentException("chunkBytes and concurrency must be at least 1");
        }
        this.store = store;
        this.chunkBytes = chunkBytes;
        this.concurrency = concurrency;
        this.time = time;
    }

    /**
     * @param objects the objects to read, in order, with their sizes as listed
     * @param timeout bound on the whole read
     * @return bytes, GETs, elapsed time and GET latencies
     * @throws ObjectStoreException the first failed GET's error (e.g. {@code ObjectNotFoundException}), or of kind
     *     {@code OTHER} if a chunk came back shorter or longer than expected; no further GET is started after a failure
     * @throws TimeoutException if the read takes longer than {@code timeout}
     */
    public RawReadResult read(List<ObjectSummary> objects, Duration timeout)
        throws ObjectStoreException, TimeoutException, InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicLong bytes = new AtomicLong();
        AtomicLong gets = new AtomicLong();
        AtomicLong lastCompletion = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LatencyRecorder latency = new LatencyRecorder();
        long start = time.nanoseconds();
        long deadline = start + timeout.toNanos();
        outer:
        for (ObjectSummary object : objects) {
            for (long position = 0; position < object.sizeInBytes(); position += chunkBytes) {
                if (!permits.tryAcquire(Math.max(0, deadline - time.nanoseconds()), TimeUnit.NANOSECONDS)) {
                    throw new TimeoutException("raw store read not done within " + timeout);
                }
                if (failure.get() != null) {
                    permits.release();
                    break outer;
                }
                int expected = (int) Math.min(chunkBytes, object.sizeInBytes() - position);
                String where = object.key() + " bytes [" + position + ", " + (position + expected) + ")";
                long sent = time.nanoseconds();
                gets.incrementAndGet();
                store.getRange(object.key(), position, chunkBytes).whenComplete((data, error) -> {
                    long now = time.nanoseconds();
                    Throwable problem = error != null ? unwrap(error) : checkLength(data, expected, where);
                    if (problem != null) {
                        failure.compareAndSet(null, problem);
                    } else {
                        bytes.addAndGet(data.remaining());
                        latency.recordMicros((now - sent) / 1_000L);
                    }
                    lastCompletion.accumulateAndGet(now, Math::max);
                    permits.release();
                });
            }
        }
        if (!permits.tryAcquire(concurrency, Math.max(0, deadline - time.nanoseconds()), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("raw store read not done within " + timeout);
        }
        Throwable error = failure.get();
        if (error instanceof ObjectStoreException e) {
            throw e;
        }
        if (error != null) {
            throw ObjectStoreException.of(ObjectStoreException.Kind.OTHER, "ranged GET failed: " + error, 0, error);
        }
        long end = gets.get() == 0 ? start : lastCompletion.get();
        return new RawReadResult(objects.size(), bytes.get(), gets.get(), (end - start) / 1e9,
            LatencySummary.fromMicros(latency.cumulative()));
    }

    private static Throwable unwrap(Throwable error) {
        ObjectStoreException storeError = ObjectStoreException.unwrap(error);
        return storeError != null ? storeError : error;
    }

    private static Throwable checkLength(ByteBuffer data, int expected, String where) {
        if (data.remaining() == expected) {
            return null;
        }
        return ObjectStoreException.of(ObjectStoreException.Kind.OTHER,
            "ranged GET of " + where + " returned " + data.remaining() + " bytes");
    }
}
