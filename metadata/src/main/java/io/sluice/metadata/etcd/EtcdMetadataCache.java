package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watch-fed {@link MetadataCache} of one namespace.
 *
 * <p><b>Load, then watch.</b> It reads every key under {@code <ns>/v1/} at one revision R (paged, all pages pinned to
 * R), builds an image at R, then watches the prefix from R + 1 with previous values. Each watch response is applied
 * under a lock and a new image is published; events at or below the image's revision are skipped (so a replayed
 * event is harmless).
 *
 * <p><b>Recovery.</b> Any watch error or unexpected end (compaction of the revision it needs, etcd restart, network
 * loss) discards the watch and starts over with a full load, with capped exponential backoff, instead of relying on
 * jetcd's own resume. Listeners receive the difference between the last image and the reloaded one, so they never miss
 * a change, though several changes may arrive as one delta.
 *
 * <p><b>Revisions.</b> The image revision is the load revision or the revision of the last event seen under the
 * namespace. To wait for a revision that produced no event here (or for "now"), the cache writes a marker key
 * ({@code <ns>/v1/sync}) and waits for its event; progress notifications are not used (etcd before 3.4.24 could send
 * them ahead of pending events).
 */
final class EtcdMetadataCache implements MetadataCache, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdMetadataCache.class);
    static final int DEFAULT_PAGE_SIZE = 500;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long NUDGE_DELAY_MS = 100;

    private final Client client;
    private final EtcdKeys keys;
    private final EtcdCalls calls;
    private final ScheduledExecutorService scheduler;
    private final CacheNotifier notifier;
    private final String writerId = UUID.randomUUID().toString();
    private final AtomicBoolean nudging = new AtomicBoolean();
    private final int pageSize;

    private final Object lock = new Object();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile boolean closed;
    private ImageBuilder builder;       // guarded by lock
    private long generation;            // guarded by lock
    private Watch.Watcher watcher;      // guarded by lock

    /**
     * @param pageSize keys per range read while loading
     */
    EtcdMetadataCache(Client client, EtcdKeys keys, EtcdCalls calls, ScheduledExecutorService scheduler,
                      String name, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
        this.keys = keys;
        this.calls = calls;
        this.scheduler = scheduler;
        this.notifier = new CacheNotifier("sluice-metadata-notifier-" + name, scheduler);
    }

    void start() {
        reload(0);
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public CompletableFuture<MetadataImage> ready() {
        return notifier.ready();
    }

    @Override
    public CompletableFuture<MetadataImage> awaitRevision(long revision, Duration timeout) {
        CompletableFuture<MetadataImage> future = notifier.await(revision, timeout);
        if (!future.isDone()) {
            scheduler.schedule(() -> {
                if (!future.isDone() && image.revision() < revision) {
                    nudge();
                }
            }, NUDGE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
        return future;
    }

    @Override
    public CompletableFuture<MetadataImage> awaitLatest(Duration timeout) {
        return writeSyncMarker().thenCompose(revision -> notifier.await(revision, timeout));
    }

    @Override
    public Subscription addListener(MetadataListener listener) {
        return notifier.addListener(listener);
    }

    /** Writes the sync marker; its event reaches every cache of the namespace at a revision after all prior writes. */
    private CompletableFuture<Long> writeSyncMarker() {
        ByteSequence value = ValueCodec.encode(new StoredValues.SyncValue(StoredValues.VERSION, writerId));
        return calls.call("write sync marker", () -> client.getKVClient().put(keys.sync(), value))
            .thenApply(response -> response.getHeader().getRevision());
    }

    private void nudge() {
        if (nudging.compareAndSet(false, true)) {
            writeSyncMarker().whenComplete((r, e) -> {
                nudging.set(false);
                if (e != null) {
                    LOG.debug("Could not write the sync marker: {}", e.getMessage());
                }
            });
        }
    }

    // ---- load and watch ------------------------------------------------------------------------------------------

    private void reload(int attempt) {
        long gen;
        Watch.Watcher old;
        synchronized (lock) {
            if (closed) {
                return;
            }
            gen = ++generation;
            old = takeWatcher();
        }
        closeQuietly(old);
        loadPages(keys.root(), 0, new ArrayList<>()).whenComplete((loaded, error) -> {
            if (error != null) {
                synchronized (lock) {
                    if (closed || gen != generation) {
                        return;
                    }
                }
                long backoff = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 6));
                LOG.warn("Loading metadata from etcd failed (attempt {}), retrying in {} ms: {}", attempt + 1, backoff,
                    error.getMessage());
                scheduleReload(attempt + 1, backoff);
                return;
            }
            installAndWatch(gen, loaded);
        });
    }

    private record Loaded(long revision, List<KeyValue> kvs) {
    }

    /** Reads the namespace page by page, every page at the revision of the first. */
    private CompletableFuture<Loaded> loadPages(ByteSequence from, long revision, List<KeyValue> acc) {
        GetOption.Builder option = GetOption.builder().withRange(keys.rootEnd()).withLimit(pageSize);
        if (revision > 0) {
            option.withRevision(revision);
        }
        return calls.call("load metadata", () -> client.getKVClient().get(from, option.build()))
            .thenCompose(page -> {
                long rev = revision > 0 ? revision : page.getHeader().getRevision();
                acc.addAll(page.getKvs());
                if (!page.isMore() || page.getKvs().isEmpty()) {
                    return CompletableFuture.completedFuture(new Loaded(rev, acc));
                }
                return loadPages(after(lastKey(page)), rev, acc);
            });
    }

    private static ByteSequence lastKey(GetResponse page) {
        return page.getKvs().get(page.getKvs().size() - 1).getKey();
    }

    private static ByteSequence after(ByteSequence key) {
        return key.concat(ByteSequence.from(new byte[] {0}));
    }

    /**
     * Installs the loaded state and starts the watch. The jetcd watch client is never called under {@link #lock}:
     * jetcd calls {@link Listener#onError} while holding its own lock, so holding ours while calling it could deadlock.
     */
    private void installAndWatch(long gen, Loaded loaded) {
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            ImageBuilder fresh = new ImageBuilder(keys);
            loaded.kvs().forEach(fresh::put);
            builder = fresh;
            MetadataImage next = fresh.build(loaded.revision());
            publish(next);
            LOG.info("Loaded metadata at etcd revision {}: {} broker(s), {} topic(s); watching {}",
                loaded.revision(), next.brokers().size(), next.topicsByName().size(), keys.root());
        }
        WatchOption option = WatchOption.builder()
            .withRange(keys.rootEnd())
            .withPrevKV(true)
            .withRevision(loaded.revision() + 1)
            .build();
        Watch.Watcher started;
        try {
            started = client.getWatchClient().watch(keys.root(), option, new Listener(gen));
        } catch (RuntimeException e) {
            onWatchFailure(gen, "cannot start: " + e.getMessage());
            return;
        }
        boolean stale;
        synchronized (lock) {
            stale = closed || gen != generation;
            if (!stale) {
                watcher = started;
            }
        }
        if (stale) {
            closeQuietly(started);
        }
    }

    private void onWatchResponse(long gen, WatchResponse response) {
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            long current = image.revision();
            long newest = current;
            for (WatchEvent event : response.getEvents()) {
                KeyValue kv = event.getKeyValue();
                long revision = kv.getModRevision();
                if (revision <= current) {
                    continue;
                }
                if (event.getEventType() == WatchEvent.EventType.DELETE) {
                    builder.delete(kv.getKey());
                } else if (event.getEventType() == WatchEvent.EventType.PUT) {
                    builder.put(kv);
                }
                newest = Math.max(newest, revision);
            }
            if (newest > current) {
                publish(builder.build(newest));
            }
        }
    }

    /** Swaps the image in and queues it for listeners; called under the lock, so in revision order. */
    private void publish(MetadataImage next) {
        image = next;
        notifier.publish(next);
    }

    private void onWatchFailure(long gen, String why) {
        synchronized (lock) {
            if (closed || gen != generation) {
                return;
            }
            generation++;
        }
        LOG.warn("Metadata watch on {} ended ({}); reloading", keys.root(), why);
        scheduleReload(0, 100);
    }

    private void scheduleReload(int attempt, long delayMs) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(() -> reload(attempt), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Scheduler closed; not reloading metadata");
        }
    }

    private Watch.Watcher takeWatcher() {
        Watch.Watcher old = watcher;
        watcher = null;
        return old;
    }

    private static void closeQuietly(Watch.Watcher w) {
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a metadata watcher failed", e);
            }
        }
    }

    private final class Listener implements Watch.Listener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            onWatchResponse(gen, response);
        }

        @Override
        public void onError(Throwable error) {
            onWatchFailure(gen, "error: " + error.getMessage());
        }

        @Override
        public void onCompleted() {
            onWatchFailure(gen, "completed");
        }
    }

    @Override
    public void close() {
        Watch.Watcher old;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            old = takeWatcher();
        }
        closeQuietly(old);
        notifier.close();
    }
}
