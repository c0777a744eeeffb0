package io.sluice.broker.coordinator.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.broker.coordinator.group.CommittedOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The lag gauges against a scripted source of high watermarks: values, removal, stale values, scheduling. */
class ConsumerLagMetricsTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final TopicPartition U0 = new TopicPartition("u", 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<Map<String, Map<TopicPartition, CommittedOffset>>> committed =
            new AtomicReference<>(Map.of());
    private final ScriptedEnds ends = new ScriptedEnds();
    private final ConsumerLagMetrics metrics = new ConsumerLagMetrics(committed::get, ends, registry);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void exportsLagCommittedOffsetAndTheGroupMaximum() {
        committed.set(Map.of("g1", Map.of(T0, offset(3), T1, offset(10)), "g2", Map.of(T0, offset(8))));
        ends.set(Map.of(T0, 8L, T1, 7L));

        metrics.refresh().join();

        assertThat(lag("g1", T0)).isEqualTo(5);
        assertThat(committedOffset("g1", T0)).isEqualTo(3);
        assertThat(lag("g1", T1)).as("a commit past the high watermark has no lag, never a negative one").isZero();
        assertThat(committedOffset("g1", T1)).isEqualTo(10);
        assertThat(lag("g2", T0)).isZero();
        assertThat(lagMax("g1")).isEqualTo(5);
        assertThat(lagMax("g2")).isZero();
        assertThat(ends.requests).as("one read for every partition involved").containsExactly(Set.of(T0, T1));
    }

    @Test
    void seriesOfGroupsNoLongerCoordinatedHereAreRemoved() {
        committed.set(Map.of("g1", Map.of(T0, offset(1)), "g2", Map.of(T0, offset(2), T1, offset(0))));
        ends.set(Map.of(T0, 4L, T1, 4L));
        metrics.refresh().join();
        assertThat(gauge(ConsumerLagMetrics.LAG, "g2", T1)).isNotNull();

        committed.set(Map.of("g1", Map.of(T0, offset(2)), "g2", Map.of(T0, offset(2))));
        metrics.refresh().join();
        assertThat(gauge(ConsumerLagMetrics.LAG, "g2", T1)).as("offset deleted").isNull();
        assertThat(gauge(ConsumerLagMetrics.COMMITTED_OFFSET, "g2", T1)).isNull();
        assertThat(lag("g2", T0)).isEqualTo(2);

        committed.set(Map.of("g1", Map.of(T0, offset(2))));
        metrics.refresh().join();
        assertThat(registry.find(ConsumerLagMetrics.LAG).tag("group", "g2").gauges()).isEmpty();
        assertThat(registry.find(ConsumerLagMetrics.LAG_MAX).tag("group", "g2").gauge()).isNull();
        assertThat(lag("g1", T0)).isEqualTo(2);
        assertThat(lagMax("g1")).isEqualTo(2);
    }

    @Test
    void partitionsThatNoLongerExistAreRemovedAndFailedReadsKeepTheLastValues() {
        committed.set(Map.of("g", Map.of(T0, offset(1), U0, offset(1))));
        ends.set(Map.of(T0, 5L, U0, 9L));
        metrics.refresh().join();
        assertThat(lag("g", U0)).isEqualTo(8);

        committed.set(Map.of("g", Map.of(T0, offset(2), U0, offset(1))));
        ends.script(new HighWatermarks(Map.of(), Set.of(U0), Map.of(T0, new LeaderNotAvailableException("x"))));
        metrics.refresh().join();
        assertThat(gauge(ConsumerLagMetrics.LAG, "g", U0)).as("topic u was deleted").isNull();
        assertThat(lag("g", T0)).as("no high watermark this time: the last value stays").isEqualTo(4);
        assertThat(committedOffset("g", T0)).isEqualTo(1);
        assertThat(lagMax("g")).isEqualTo(4);

        ends.fail(new TimeoutException("no answer"));
        assertThatThrownBy(() -> metrics.refresh().join()).hasCauseInstanceOf(TimeoutException.class);
        assertThat(lag("g", T0)).isEqualTo(4);

        ends.set(Map.of(T0, 5L));
        metrics.refresh().join();
        assertThat(lag("g", T0)).isEqualTo(3);
        assertThat(committedOffset("g", T0)).isEqualTo(2);
    }

    @Test
    void noGroupsMeansNoSeries() {
        metrics.refresh().join();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void startRefreshesEveryIntervalAndCloseRemovesEverySeries() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            committed.set(Map.of("g", Map.of(T0, offset(1))));
            ends.set(Map.of(T0, 2L));
            metrics.start(scheduler, 10);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lag("g", T0)).isEqualTo(1));
            ends.set(Map.of(T0, 6L));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lag("g", T0)).isEqualTo(5));
            ends.fail(new TimeoutException("down"));
            int before = ends.requests.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> ends.requests.size() > before + 2);
            ends.set(Map.of(T0, 9L));
            await("a failed refresh does not stop the refreshes").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(lag("g", T0)).isEqualTo(8));

            metrics.close();
            assertThat(registry.getMeters()).isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static CommittedOffset offset(long offset) {
        return new CommittedOffset(offset, -1, "", 0L);
    }

    private Gauge gauge(String name, String group, TopicPartition tp) {
        return registry.find(name).tag("group", group).tag("topic", tp.topic())
                .tag("partition", Integer.toString(tp.partition())).gauge();
    }

    private long lag(String group, TopicPartition tp) {
        return (long) gauge(ConsumerLagMetrics.LAG, group, tp).value();
    }

    private long committedOffset(String group, TopicPartition tp) {
        return (long) gauge(ConsumerLagMetrics.COMMITTED_OFFSET, group, tp).value();
    }

    private long lagMax(String group) {
        return (long) registry.find(ConsumerLagMetrics.LAG_MAX).tag("group", group).gauge().value();
    }

    /** High watermarks as the test says, recording every read. */
    private static final class ScriptedEnds implements LogEndOffsets {
        final List<Set<TopicPartition>> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile HighWatermarks next = HighWatermarks.EMPTY;
        private volatile Throwable failure;

        void set(Map<TopicPartition, Long> offsets) {
            script(new HighWatermarks(offsets, Set.of(), Map.of()));
        }

        void script(HighWatermarks answer) {
            failure = null;
            next = answer;
        }

        void fail(Throwable error) {
            failure = error;
        }

        @Override
        public CompletableFuture<HighWatermarks> highWatermarks(Collection<TopicPartition> partitions) {
            requests.add(Set.copyOf(partitions));
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            HighWatermarks answer = next;
            Map<TopicPartition, Long> offsets = new HashMap<>();
            Set<TopicPartition> unknown = new HashSet<>();
            Map<TopicPartition, Throwable> failed = new ConcurrentHashMap<>();
            for (TopicPartition tp : partitions) {
                if (answer.offsets().containsKey(tp)) {
                    offsets.put(tp, answer.offsets().get(tp));
                } else if (answer.unknown().contains(tp)) {
                    unknown.add(tp);
                } else {
                    failed.put(tp, answer.failed().getOrDefault(tp, new LeaderNotAvailableException("not scripted")));
                }
            }
            return CompletableFuture.completedFuture(new HighWatermarks(offsets, unknown, failed));
        }
    }
}
