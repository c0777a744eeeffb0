package io.sluice.metadata;

/**
 * Told about every change the {@link MetadataCache} applies (the counterpart of Kafka's {@code MetadataPublisher}).
 *
 * <p>Calls come on the cache's single notification thread, one at a time, in revision order. The first call after
 * {@link MetadataCache#addListener} carries the delta from {@link MetadataImage#EMPTY} to the image current at that
 * time, so a listener never misses state that existed before it subscribed (a broker creates its local logs from it).
 * A listener must not block: in particular it must not wait on a store write, whose completion waits for this same
 * thread. Exceptions thrown by a listener are logged and do not stop other listeners.
 */
@FunctionalInterface
public interface MetadataListener {

    /**
     * @param delta    what changed since the previous call (or since the empty image on the first call)
     * @param newImage the image after the change
     */
    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}
