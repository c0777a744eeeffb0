package io.sluice.broker.partition;

import io.sluice.broker.purgatory.DelayedOperation;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A fetch waiting for {@code min_bytes} of new data or {@code max_wait_ms}, as Kafka's {@code DelayedFetch}.
 * Appends (and high-watermark moves) on a watched partition wake it; then it reads again.
 */
final class DelayedFetch extends DelayedOperation {
    private final long minBytes;
    private final ToLongFunction<TopicPartition> availableBytesEstimate;
    private final Iterable<TopicPartition> partitions;
    private final Supplier<Map<TopicPartition, FetchResult>> read;
    private final CompletableFuture<Map<TopicPartition, FetchResult>> future;

    /**
     * @param availableBytesEstimate partition → bytes readable past the fetch offset now (a cheap estimate; a
     *                               negative value means "something changed that the client must hear about",
     *                               e.g. an error, and completes the fetch at once)
     * @param read                   performs the real read when the fetch completes
     */
    DelayedFetch(long minBytes, Iterable<TopicPartition> partitions,
                 ToLongFunction<TopicPartition> availableBytesEstimate,
                 Supplier<Map<TopicPartition, FetchResult>> read,
                 CompletableFuture<Map<TopicPartition, FetchResult>> future) {
        this.minBytes = minBytes;
        this.partitions = partitions;
        this.availableBytesEstimate = availableBytesEstimate;
        this.read = read;
        this.future = future;
    }

    @Override
    public boolean tryComplete() {
        long accumulated = 0;
        for (TopicPartition tp : partitions) {
            long available = availableBytesEstimate.applyAsLong(tp);
            if (available < 0) {
                return forceComplete();
            }
            accumulated += available;
        }
        return accumulated >= minBytes && forceComplete();
    }

    @Override
    protected void onComplete(boolean timedOut) {
        try {
            future.complete(read.get());
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }
}
