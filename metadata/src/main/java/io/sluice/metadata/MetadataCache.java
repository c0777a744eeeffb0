package io.sluice.metadata;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A broker-local copy of the cluster metadata, fed by an etcd watch, so that no request waits on etcd to read
 * metadata.
 *
 * <p>It loads everything under the namespace at some revision R, then watches from R + 1 with previous values, and
 * swaps in a new immutable {@link MetadataImage} after each watch response. If the watch fails for good (the etcd
 * history it needs was compacted, or jetcd gives up), it reloads the whole prefix and carries on; listeners get the
 * difference as one delta.
 */
public interface MetadataCache {

    /** The current image; never null ({@link MetadataImage#EMPTY} before the first load). Lock-free. */
    MetadataImage image();

    /** Completes with the first fully loaded image. */
    CompletableFuture<MetadataImage> ready();

    /**
     * Completes once the cache has applied every change up to {@code revision} (inclusive) and notified its
     * listeners of them. Completes at once if it already has. Fails with Kafka's
     * {@link org.apache.kafka.common.errors.TimeoutException} (REQUEST_TIMED_OUT) after {@code timeout}. A revision
     * that produced no event in this namespace (a write elsewhere in etcd) is reached by writing the namespace's sync
     * marker key after a short wait, whose event carries a later revision.
     *
     * <p>Dependent stages run on the cache's notification thread unless the caller uses an {@code *Async} stage: do
     * not block in them.
     */
    CompletableFuture<MetadataImage> awaitRevision(long revision, Duration timeout);

    /**
     * Writes the namespace's sync marker key and waits for the cache to see it: afterwards the image reflects every
     * write that completed before this call (a read barrier; costs one small etcd write). Fails with Kafka's
     * {@link org.apache.kafka.common.errors.TimeoutException} after {@code timeout}.
     */
    CompletableFuture<MetadataImage> awaitLatest(Duration timeout);

    /**
     * Subscribes a listener; see {@link MetadataListener} for the calling rules. Closing the returned handle
     * unsubscribes it (calls already queued may still arrive).
     */
    Subscription addListener(MetadataListener listener);

    /** A listener subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
