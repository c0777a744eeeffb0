package io.sluice.loadtests.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * Replays a topic with one consumer: assigns all its partitions ({@code assign}, no group), seeks to the beginning
 * (offset 0: the topic has no retention) and polls until every partition has been read up to the end offset it had
 * when the replay started. With tiered storage the broker serves offsets below the local log start offset from the
 * object store (KIP-405), at most one such partition per fetch request, as Kafka does.
 *
 * <p>A pass fails with {@link TimeoutException} when no record arrives for the idle timeout, and rethrows the
 * consumer's {@link KafkaException} after {@value #MAX_CONSECUTIVE_ERRORS} failed polls in a row. Not thread-safe;
 * the consumer belongs to the caller, who closes it.
 */
public final class ReplayConsumer {
    /** Failed polls in a row after which a pass gives up. */
    public static final int MAX_CONSECUTIVE_ERRORS = 10;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final String FETCH_METRICS_GROUP = "consumer-fetch-manager-metrics";
    private static final String BYTES_CONSUMED_TOTAL = "bytes-consumed-total";

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> endOffsets = new HashMap<>();
    private final Time time;

    /**
     * @param consumer a consumer with byte-array deserializers and {@code auto.offset.reset=earliest}
     * @param topic the topic
     * @param endOffsets each partition's end offset (exclusive) to read up to, by partition id
     * @param time clock for the elapsed time and the idle timeout
     */
    public ReplayConsumer(Consumer<byte[], byte[]> consumer, String topic, Map<Integer, Long> endOffsets, Time time) {
        this.consumer = consumer;
        this.time = time;
        endOffsets.forEach((p, end) -> this.endOffsets.put(new TopicPartition(topic, p), end));
        consumer.assign(new ArrayList<>(this.endOffsets.keySet()));
    }

    /** @return the records a whole pass reads: the sum of the end offsets */
    public long expectedRecords() {
        return endOffsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Passes over the topic until the first pass is complete and {@code minDuration} has passed since the start; a
     * later pass still running at that moment is cut short there.
     *
     * @param minDuration the least time to keep replaying (the tail latency window)
     * @param idleTimeout a pass fails if no record arrives for this long
     * @param cancelled checked between polls; when true the replay stops (the result then covers what was read)
     * @return the first pass and the later ones
     * @throws TimeoutException if a pass makes no progress for {@code idleTimeout}
     * @throws KafkaException if polls keep failing
     */
    public ReplayResult replay(Duration minDuration, Duration idleTimeout, BooleanSupplier cancelled) throws TimeoutException {
        long start = time.nanoseconds();
        long windowEnd = start + minDuration.toNanos();
        ReplayPass first = pass(Long.MAX_VALUE, idleTimeout, cancelled);
        ReplayPass later = ReplayPass.NONE;
        int complete = first.complete() ? 1 : 0;
        while (time.nanoseconds() < windowEnd && !cancelled.getAsBoolean()) {
            ReplayPass next = pass(windowEnd, idleTimeout, cancelled);
            later = later.plus(next);
            complete += next.complete() ? 1 : 0;
        }
        return new ReplayResult(expectedRecords(), first, later, complete);
    }

    /**
     * Reads from offset 0 until every partition reaches its end offset, or {@code stopAtNanos}.
     *
     * @param stopAtNanos {@link Time#nanoseconds()} at which to stop even if not complete ({@code Long.MAX_VALUE}:
     *     never)
     * @param idleTimeout fails if no record arrives for this long
     * @param cancelled checked between polls
     * @return what was read
     * @throws TimeoutException if no record arrives for {@code idleTimeout}
     */
    public ReplayPass pass(long stopAtNanos, Duration idleTimeout, BooleanSupplier cancelled) throws TimeoutException {
        consumer.seekToBeginning(endOffsets.keySet());
        Map<TopicPartition, Long> reached = new HashMap<>();
        long fetchedBefore = fetchedBytes();
        long start = time.nanoseconds();
        long lastRecord = start;
        long records = 0;
        long bytes = 0;
        int consecutiveErrors = 0;
        while (!isComplete(reached) && time.nanoseconds() < stopAtNanos && !cancelled.getAsBoolean()) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = endOffsets.get(tp);
                    if (end == null || record.offset() >= end) {
                        continue; // written after the replay started (nothing should be): not part of the pass
                    }
                    records++;
                    bytes += (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
                    reached.merge(tp, record.offset() + 1, Math::max);
                    lastRecord = time.nanoseconds();
                }
                consecutiveErrors = 0;
            } catch (KafkaException e) {
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    throw e;
                }
            }
            if (time.nanoseconds() - lastRecord > idleTimeout.toNanos() && !isComplete(reached)) {
                throw new TimeoutException("replay made no progress for " + idleTimeout + "; reached " + reached
                    + " of end offsets " + endOffsets);
            }
        }
        long nanos = (isComplete(reached) ? lastRecord : time.nanoseconds()) - start;
        return new ReplayPass(records, bytes, fetchedBytes() - fetchedBefore, nanos / 1e9, isComplete(reached));
    }

    private boolean isComplete(Map<TopicPartition, Long> reached) {
        for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
            if (reached.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** @return the consumer's {@code bytes-consumed-total} over all topics (the metric without a topic tag), or 0 */
    private long fetchedBytes() {
        List<Object> values = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (BYTES_CONSUMED_TOTAL.equals(name.name()) && FETCH_METRICS_GROUP.equals(name.group())
                && !name.tags().containsKey("topic")) {
                values.add(e.getValue().metricValue());
            }
        }
        return values.stream().filter(v -> v instanceof Number).mapToLong(v -> (long) ((Number) v).doubleValue()).sum();
    }
}
