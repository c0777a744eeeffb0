package io.sluice.metadata.etcd;

import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers published images to listeners and revision waiters, on one thread, in publication order.
 *
 * <p>For each published image: compute the delta from the last delivered image, call every listener (if anything
 * changed), then complete the waiters whose revision is reached. So a waiter completes only after listeners saw its
 * revision. All fields except the volatile {@link #delivered} are confined to the notification thread.
 */
final class CacheNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheNotifier.class);

    private record Waiter(long revision, CompletableFuture<MetadataImage> future) {
    }

    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::revision));
    private final CompletableFuture<MetadataImage> ready = new CompletableFuture<>();
    private volatile MetadataImage delivered = MetadataImage.EMPTY;
    private boolean loaded;

    CacheNotifier(String threadName, ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** The last image delivered to listeners. */
    MetadataImage delivered() {
        return delivered;
    }

    CompletableFuture<MetadataImage> ready() {
        return ready;
    }

    /** Queues {@code next} for delivery. Callers publish in revision order. */
    void publish(MetadataImage next) {
        run(() -> deliver(next));
    }

    private void deliver(MetadataImage next) {
        MetadataImage previous = delivered;
        MetadataDelta delta = MetadataDelta.between(previous, next);
        if (!delta.isEmpty()) {
            for (MetadataListener listener : listeners) {
                call(listener, delta, next);
            }
        }
        delivered = next;
        loaded = true;
        while (!waiters.isEmpty() && waiters.peek().revision() <= next.revision()) {
            waiters.poll().future().complete(next);
        }
        ready.complete(next);
    }

    MetadataCache.Subscription addListener(MetadataListener listener) {
        run(() -> {
            listeners.add(listener);
            if (loaded) {
                MetadataImage current = delivered;
                call(listener, MetadataDelta.between(MetadataImage.EMPTY, current), current);
            }
        });
        return () -> listeners.remove(listener);
    }

    /** A future completed once an image at {@code revision} or later was delivered; fails after {@code timeout}. */
    CompletableFuture<MetadataImage> await(long revision, Duration timeout) {
        MetadataImage current = delivered;
        if (current != MetadataImage.EMPTY && current.revision() >= revision) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        run(() -> {
            if (loaded && delivered.revision() >= revision) {
                future.complete(delivered);
            } else {
                waiters.add(new Waiter(revision, future));
            }
        });
        scheduler.schedule(() -> {
            if (future.completeExceptionally(new TimeoutException("The metadata cache did not reach etcd revision "
                + revision + " within " + timeout.toMillis() + " ms (it is at revision " + delivered.revision()
                + ")"))) {
                run(() -> waiters.removeIf(w -> w.future().isDone()));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return future;
    }

    private void call(MetadataListener listener, MetadataDelta delta, MetadataImage image) {
        try {
            listener.onMetadataUpdate(delta, image);
        } catch (RuntimeException e) {
            LOG.error("Metadata listener {} failed at revision {}", listener, image.revision(), e);
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Metadata notifier closed; dropping a task");
        }
    }

    @Override
    public void close() {
        run(() -> {
            UnknownServerException closed = new UnknownServerException("The metadata store is closed");
            waiters.forEach(w -> w.future().completeExceptionally(closed));
            waiters.clear();
            ready.completeExceptionally(closed);
        });
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
