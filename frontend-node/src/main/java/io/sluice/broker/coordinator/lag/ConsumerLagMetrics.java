package io.sluice.broker.coordinator.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.sluice.broker.coordinator.group.CommittedOffset;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Exports the lag of the consumer groups this broker coordinates, as gauges on the broker's registry (Prometheus
 * names on {@code /metrics}):
 * <ul>
 *   <li>{@code sluice_consumer_group_lag{group,topic,partition}}: the partition's high watermark minus the group's
 *       committed offset, at least 0 ({@link PartitionLag#lag()}; Kafka's LAG column of
 *       {@code kafka-consumer-groups --describe});</li>
 *   <li>{@code sluice_consumer_group_committed_offset{group,topic,partition}}: the committed offset (the next offset
 *       the group will consume);</li>
 *   <li>{@code sluice_consumer_group_lag_max{group}}: the largest lag over the group's partitions.</li>
 * </ul>
 * Each broker exports only the groups it coordinates (whose committed offsets it holds), so summing a metric over
 * the brokers never counts a group twice; a partition appears once a group has committed an offset for it.
 *
 * <p>Every refresh ({@link #start}: every {@code sluice.group.lag.interval.ms}) reads the committed offsets from
 * memory and the high watermarks of all partitions involved with one {@link LogEndOffsets} read (one
 * {@code Admin.listOffsets} call). Series of groups this broker no longer coordinates, of deleted groups or offsets,
 * and of partitions that no longer exist (deleted topics) are removed; a partition whose high watermark could not be
 * read this time keeps its last values. Refreshes never overlap: the next is scheduled when one completes.
 * Thread-safe.
 */
public final class ConsumerLagMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagMetrics.class);
    /** Micrometer name of the per-partition lag gauge ({@code sluice_consumer_group_lag}). */
    public static final String LAG = "sluice.consumer.group.lag";
    /** Micrometer name of the committed offset gauge ({@code sluice_consumer_group_committed_offset}). */
    public static final String COMMITTED_OFFSET = "sluice.consumer.group.committed.offset";
    /** Micrometer name of the per-group maximum lag gauge ({@code sluice_consumer_group_lag_max}). */
    public static final String LAG_MAX = "sluice.consumer.group.lag.max";

    private final Supplier<Map<String, Map<TopicPartition, CommittedOffset>>> committedOffsets;
    private final LogEndOffsets logEndOffsets;
    private final MeterRegistry registry;
    private final Map<SeriesKey, PartitionSeries> partitions = new HashMap<>();
    private final Map<String, GroupSeries> groups = new HashMap<>();
    private ScheduledExecutorService scheduler;
    private long intervalMs;
    private ScheduledFuture<?> next;
    private boolean closed;
    private boolean failing;

    private record SeriesKey(String group, TopicPartition partition) {
    }

    /** The two gauges of one (group, partition) and the values they read. */
    private record PartitionSeries(AtomicLong committed, AtomicLong lag, Gauge committedGauge, Gauge lagGauge) {
    }

    private record GroupSeries(AtomicLong maxLag, Gauge gauge) {
    }

    /**
     * @param committedOffsets the committed offsets of every group this broker coordinates, group → partition →
     *                         offset ({@code LogOffsetStore::snapshot}); read from memory, must not block
     * @param logEndOffsets    where high watermarks are read
     * @param registry         where the gauges are registered ({@code BrokerMetrics.registry()})
     */
    public ConsumerLagMetrics(Supplier<Map<String, Map<TopicPartition, CommittedOffset>>> committedOffsets,
                              LogEndOffsets logEndOffsets, MeterRegistry registry) {
        this.committedOffsets = committedOffsets;
        this.logEndOffsets = logEndOffsets;
        this.registry = registry;
    }

    /**
     * Refreshes now and then every {@code intervalMs} after the previous refresh completed, until {@link #close()}.
     *
     * @param scheduler  runs the refreshes (they only read memory and wait on futures: no blocking)
     * @param intervalMs the pause between refreshes, milliseconds ({@link LagMetricsConfig#refreshIntervalMs()})
     */
    public synchronized void start(ScheduledExecutorService scheduler, long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("intervalMs must be > 0");
        }
        this.scheduler = scheduler;
        this.intervalMs = intervalMs;
        schedule(0);
    }

    private synchronized void schedule(long delayMs) {
        if (closed) {
            return;
        }
        try {
            next = scheduler.schedule(this::refreshScheduled, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("lag metrics stop: the scheduler is shut down");
        }
    }

    private void refreshScheduled() {
        CompletableFuture<Void> refresh;
        try {
            refresh = refresh();
        } catch (RuntimeException e) {
            refresh = CompletableFuture.failedFuture(e);
        }
        refresh.whenComplete((ignored, failure) -> {
            report(failure);
            schedule(intervalMs);
        });
    }

    private synchronized void report(Throwable failure) {
        if (failure != null && !failing) {
            LOG.warn("refreshing consumer group lag failed; keeping the last values: {}", failure.toString());
        } else if (failure == null && failing) {
            LOG.info("refreshing consumer group lag works again");
        }
        failing = failure != null;
    }

    /**
     * Reads the committed offsets and the high watermarks once and updates the gauges.
     *
     * @return completes when the gauges are updated; fails (gauges unchanged) when the high watermarks cannot be read
     */
    public CompletableFuture<Void> refresh() {
        Map<String, Map<TopicPartition, CommittedOffset>> snapshot = committedOffsets.get();
        Set<TopicPartition> involved = new HashSet<>();
        snapshot.values().forEach(offsets -> involved.addAll(offsets.keySet()));
        return logEndOffsets.highWatermarks(involved).thenAccept(ends -> apply(snapshot, ends));
    }

    private synchronized void apply(Map<String, Map<TopicPartition, CommittedOffset>> snapshot, HighWatermarks ends) {
        if (closed) {
            return;
        }
        if (!ends.failed().isEmpty()) {
            LOG.debug("no high watermark this time for {} partitions; keeping their last lag: {}",
                    ends.failed().size(), ends.firstFailure().map(Throwable::toString).orElse(""));
        }
        Set<SeriesKey> kept = new HashSet<>();
        snapshot.forEach((group, offsets) -> offsets.forEach((tp, committed) -> {
            SeriesKey key = new SeriesKey(group, tp);
            if (ends.unknown().contains(tp)) {
                return;
            }
            ends.highWatermark(tp).ifPresentOrElse(end -> {
                PartitionLag lag = new PartitionLag(tp, committed.offset(), end);
                PartitionSeries series = partitions.computeIfAbsent(key, this::registerPartition);
                series.committed().set(lag.committedOffset());
                series.lag().set(lag.lag());
                kept.add(key);
            }, () -> {
                if (partitions.containsKey(key)) {
                    kept.add(key);
                }
            });
        }));
        partitions.entrySet().removeIf(entry -> {
            if (kept.contains(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue().committedGauge());
            registry.remove(entry.getValue().lagGauge());
            return true;
        });
        updateGroupMaxima();
    }

    private void updateGroupMaxima() {
        Map<String, Long> maxima = new HashMap<>();
        partitions.forEach((key, series) -> maxima.merge(key.group(), series.lag().get(), Math::max));
        maxima.forEach((group, max) -> groups.computeIfAbsent(group, this::registerGroup).maxLag().set(max));
        groups.entrySet().removeIf(entry -> {
            if (maxima.containsKey(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue().gauge());
            return true;
        });
    }

    private PartitionSeries registerPartition(SeriesKey key) {
        Tags tags = Tags.of("group", key.group(), "topic", key.partition().topic(),
                "partition", Integer.toString(key.partition().partition()));
        AtomicLong committed = new AtomicLong();
        AtomicLong lag = new AtomicLong();
        Gauge committedGauge = Gauge.builder(COMMITTED_OFFSET, committed, AtomicLong::doubleValue).tags(tags)
                .description("the consumer group's committed offset (the next offset it will consume)")
                .strongReference(true).register(registry);
        Gauge lagGauge = Gauge.builder(LAG, lag, AtomicLong::doubleValue).tags(tags)
                .description("high watermark minus the consumer group's committed offset (records not consumed)")
                .strongReference(true).register(registry);
        return new PartitionSeries(committed, lag, committedGauge, lagGauge);
    }

    private GroupSeries registerGroup(String group) {
        AtomicLong max = new AtomicLong();
        Gauge gauge = Gauge.builder(LAG_MAX, max, AtomicLong::doubleValue).tag("group", group)
                .description("the largest lag over the consumer group's partitions")
                .strongReference(true).register(registry);
        return new GroupSeries(max, gauge);
    }

    /** Stops refreshing and removes every gauge this object registered. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
        partitions.values().forEach(series -> {
            registry.remove(series.committedGauge());
            registry.remove(series.lagGauge());
        });
        partitions.clear();
        groups.values().forEach(series -> registry.remove(series.gauge()));
        groups.clear();
    }
}
