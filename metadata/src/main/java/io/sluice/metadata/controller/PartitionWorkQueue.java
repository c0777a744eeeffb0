package io.sluice.metadata.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The partitions an active controller must look at, and its writes in flight. Level-triggered: a partition is
 * marked dirty with an {@link Intent}; when a write slot is free the queue decides its next state against the newest
 * image (not the one it was marked in) and writes it with a compare-and-swap. At most {@value #MAX_IN_FLIGHT} writes
 * run at once, and at most one per partition.
 *
 * <p>After a write: success needs nothing more (the image that carries it marks the partition again, and deciding
 * on it finds nothing to change); a lost compare-and-swap parks the partition until the next image (the newer state
 * is on its way through the watch); NOT_CONTROLLER calls {@code onFenced}; a deleted topic drops the partition; any
 * other failure (etcd unavailable) retries after {@value #RETRY_BACKOFF_MS} ms.
 *
 * <p>Not thread-safe: confined to the controller thread ({@code loop}), where write completions are brought back.
 */
final class PartitionWorkQueue {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionWorkQueue.class);
    static final int MAX_IN_FLIGHT = 64;
    static final long RETRY_BACKOFF_MS = 1_000;

    /**
     * Why a partition is looked at.
     *
     * @param preferred whether to also try a preferred leader election (auto leader rebalance)
     * @param restarted brokers to treat as having left and come back (registered again since last looked at)
     */
    record Intent(boolean preferred, Set<Integer> restarted) {
        static final Intent RECONCILE = new Intent(false, Set.of());
        static final Intent PREFERRED = new Intent(true, Set.of());

        Intent {
            restarted = Set.copyOf(restarted);
        }

        Intent merge(Intent other) {
            Set<Integer> both = new HashSet<>(restarted);
            both.addAll(other.restarted);
            return new Intent(preferred || other.preferred, both);
        }
    }

    /** Decides a partition's next state; empty when nothing needs to change. */
    @FunctionalInterface
    interface Decider {
        Optional<PartitionState> decide(TopicIdPartition partition, TopicMetadata topic, PartitionState current,
                                        Intent intent, MetadataImage image);
    }

    /** Writes a partition state with a compare-and-swap (true if written). */
    @FunctionalInterface
    interface Writer {
        CompletableFuture<Boolean> write(TopicIdPartition partition, PartitionState expected, PartitionState next);
    }

    private final Decider decider;
    private final Writer writer;
    private final ScheduledExecutorService loop;
    private final Consumer<Throwable> onFenced;
    private final Map<TopicIdPartition, Intent> dirty = new LinkedHashMap<>();
    private final Map<TopicIdPartition, Intent> parked = new HashMap<>();
    private final Set<TopicIdPartition> inFlight = new HashSet<>();
    private MetadataImage image = MetadataImage.EMPTY;
    private boolean stopped;

    PartitionWorkQueue(Decider decider, Writer writer, ScheduledExecutorService loop, Consumer<Throwable> onFenced) {
        this.decider = decider;
        this.writer = writer;
        this.loop = loop;
        this.onFenced = onFenced;
    }

    /** Marks one partition dirty (merging with an intent it already has). */
    void mark(TopicIdPartition partition, Intent intent) {
        dirty.merge(partition, intent, Intent::merge);
    }

    /** Marks every partition of {@code of} dirty. */
    void markAll(MetadataImage of, Intent intent) {
        for (TopicMetadata topic : of.topicsById().values()) {
            markTopic(topic, intent);
        }
    }

    /** Marks every partition of one topic dirty. */
    void markTopic(TopicMetadata topic, Intent intent) {
        for (int p : topic.partitions().keySet()) {
            mark(topic.topicIdPartition(p), intent);
        }
    }

    /** Takes a newer image: parked partitions become dirty again. Call {@link #pump()} after marking. */
    void onImage(MetadataImage newImage) {
        image = newImage;
        parked.forEach(this::mark);
        parked.clear();
    }

    /** Starts writes for dirty partitions while slots are free. */
    void pump() {
        Iterator<Map.Entry<TopicIdPartition, Intent>> it = dirty.entrySet().iterator();
        while (!stopped && inFlight.size() < MAX_IN_FLIGHT && it.hasNext()) {
            Map.Entry<TopicIdPartition, Intent> entry = it.next();
            TopicIdPartition partition = entry.getKey();
            if (inFlight.contains(partition)) {
                continue;
            }
            it.remove();
            Optional<TopicMetadata> topic = image.topic(partition.topicId());
            Optional<PartitionState> current = topic.flatMap(t -> t.partition(partition.partition()));
            if (current.isEmpty()) {
                continue;
            }
            Optional<PartitionState> next = decider.decide(partition, topic.get(), current.get(), entry.getValue(),
                image);
            if (next.isPresent()) {
                start(partition, entry.getValue(), current.get(), next.get());
            }
        }
    }

    private void start(TopicIdPartition partition, Intent intent, PartitionState expected, PartitionState next) {
        inFlight.add(partition);
        CompletableFuture<Boolean> write;
        try {
            write = writer.write(partition, expected, next);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((written, error) -> {
            try {
                loop.execute(() -> done(partition, intent, written, error));
            } catch (RejectedExecutionException e) {
                LOG.debug("Controller stopped; dropping the result of a write to {}", partition);
            }
        });
    }

    private void done(TopicIdPartition partition, Intent intent, Boolean written, Throwable error) {
        inFlight.remove(partition);
        if (stopped) {
            return;
        }
        if (error == null) {
            if (!Boolean.TRUE.equals(written)) {
                parked.merge(partition, intent, Intent::merge);
            }
        } else {
            Throwable cause = unwrap(error);
            if (cause instanceof NotControllerException) {
                stopped = true;
                onFenced.accept(cause);
                return;
            }
            if (cause instanceof UnknownTopicIdException || cause instanceof UnknownTopicOrPartitionException) {
                LOG.debug("Partition {} is gone: {}", partition, cause.getMessage());
            } else {
                LOG.warn("Controller could not update partition {}, retrying in {} ms: {}", partition,
                    RETRY_BACKOFF_MS, cause.toString());
                try {
                    loop.schedule(() -> {
                        if (!stopped) {
                            mark(partition, intent);
                            pump();
                        }
                    }, RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    LOG.debug("Controller stopped; not retrying {}", partition);
                }
            }
        }
        pump();
    }

    /** Stops: nothing more is written; completions of writes in flight are ignored. */
    void stop() {
        stopped = true;
        dirty.clear();
        parked.clear();
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
            && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
