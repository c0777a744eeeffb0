package io.sluice.metadata.etcd;

import io.etcd.jetcd.KV;
import io.sluice.metadata.MetadataCache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the writers share: the KV client, the key layout, the call boundary, the broker defaults, and the cache whose
 * catching up a write waits for.
 *
 * @param kv             jetcd KV client
 * @param keys           the namespace's key layout
 * @param calls          timeout and error boundary
 * @param brokerDefaults broker-level topic defaults
 * @param cache          this store's cache
 * @param callbacks      where write futures complete, so callers' dependent stages never run on the cache's
 *                       notification thread
 */
record WriteContext(KV kv, EtcdKeys keys, EtcdCalls calls, Map<String, String> brokerDefaults, MetadataCache cache,
                    Executor callbacks) {

    /** Completes with {@code value} once this store's cache has applied {@code revision} (and notified listeners). */
    <T> CompletableFuture<T> afterCacheSees(long revision, T value) {
        return cache.awaitRevision(revision, calls.timeout()).thenApplyAsync(image -> value, callbacks);
    }
}
