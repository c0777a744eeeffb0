package io.sluice.broker.cluster;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every send and its outcome, then checks a read-back of the partitions against what the producers were
 * told. These are the promises Kafka makes for {@code acks=all} with an idempotent producer and no unclean leader
 * election (and what issue 3 asks Sluice to prove across failovers):
 *
 * <ul>
 *   <li>{@code LOST}: an acknowledged record is not read back;</li>
 *   <li>{@code MOVED}: an acknowledged record is read back at another partition or offset than the one its
 *       {@link RecordMetadata} named (that offset named two different records over time);</li>
 *   <li>{@code OFFSET_REUSED}: two different records were acknowledged at the same partition and offset;</li>
 *   <li>{@code DUPLICATE}: a value is read back at two offsets (whether or not it was acknowledged);</li>
 *   <li>{@code REORDERED}: within one partition, a producer's values are not read back in increasing sequence;</li>
 *   <li>{@code MISPLACED}: a value is read back from another partition than the one it was sent to;</li>
 *   <li>{@code UNKNOWN}: a value no producer sent (or not a {@link SequencedValue});</li>
 *   <li>{@code OFFSETS_NOT_INCREASING}: a partition's read-back offsets do not strictly increase.</li>
 * </ul>
 *
 * A send that failed, or was never acknowledged, may or may not be in the log (Kafka promises nothing about it), but
 * it too may appear at most once and in order.
 *
 * <p>Thread-safe: producer callbacks record from the producers' I/O threads while the test thread reads counts.
 */
public final class DeliveryChecker {
    private final ConcurrentMap<SequencedValue, TopicPartition> sent = new ConcurrentHashMap<>();
    private final ConcurrentMap<SequencedValue, Ack> acknowledged = new ConcurrentHashMap<>();
    private final ConcurrentMap<Ack, SequencedValue> valueAtAck = new ConcurrentHashMap<>();
    private final ConcurrentMap<SequencedValue, Throwable> failed = new ConcurrentHashMap<>();
    private final List<String> ackViolations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong completed = new AtomicLong();

    /** Where the broker said a record was written. */
    private record Ack(TopicPartition partition, long offset) {
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /**
     * Registers a send about to be made, to an explicit partition.
     *
     * @return the callback to pass to {@code KafkaProducer.send}; it records the acknowledgement or the failure
     * @throws IllegalArgumentException if this value was registered before (sequences must be unique per producer)
     */
    public Callback sending(SequencedValue value, TopicPartition partition) {
        if (sent.putIfAbsent(value, partition) != null) {
            throw new IllegalArgumentException(value + " was already sent");
        }
        return (metadata, exception) -> {
            if (exception == null) {
                acknowledged(value, metadata);
            } else {
                failed(value, exception);
            }
        };
    }

    /**
     * Registers a value written without a delivery promise (e.g. with {@code acks=1} before a leader failure): it
     * may be read back or not, but at most once, in order and in {@code partition}.
     */
    public void sentWithoutPromise(SequencedValue value, TopicPartition partition) {
        if (sent.putIfAbsent(value, partition) != null) {
            throw new IllegalArgumentException(value + " was already sent");
        }
        completed.incrementAndGet();
    }

    /** Records a successful send (the producer callback's metadata: topic, partition, offset). */
    public void acknowledged(SequencedValue value, RecordMetadata metadata) {
        Ack ack = new Ack(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset());
        if (!metadata.hasOffset()) {
            ackViolations.add("UNKNOWN " + value + " was acknowledged without an offset (acks=0?)");
        }
        Ack previous = acknowledged.putIfAbsent(value, ack);
        if (previous != null) {
            ackViolations.add("DUPLICATE " + value + " was acknowledged twice, at " + previous + " and " + ack);
        }
        SequencedValue other = valueAtAck.putIfAbsent(ack, value);
        if (other != null && !other.equals(value)) {
            ackViolations.add("OFFSET_REUSED " + ack + " was acknowledged for both " + other + " and " + value);
        }
        completed.incrementAndGet();
    }

    /** Records a failed send. */
    public void failed(SequencedValue value, Throwable exception) {
        failed.put(value, exception);
        completed.incrementAndGet();
    }

    /** Sends registered so far. */
    public long sentCount() {
        return sent.size();
    }

    /** Sends acknowledged so far. */
    public long acknowledgedCount() {
        return acknowledged.size();
    }

    /** The values acknowledged so far (a copy). */
    public Set<SequencedValue> acknowledgedValues() {
        return Set.copyOf(acknowledged.keySet());
    }

    /** Sends that failed so far. */
    public long failedCount() {
        return failed.size();
    }

    /** Sends neither acknowledged nor failed yet. */
    public long pendingCount() {
        return sent.size() - completed.get();
    }

    /** Failed sends counted by exception class (simple name), for reports. */
    public Map<String, Long> failuresByType() {
        Map<String, Long> byType = new TreeMap<>();
        failed.values().forEach(e -> byType.merge(e.getClass().getSimpleName(), 1L, Long::sum));
        return byType;
    }

    /** A few failed sends with their exceptions, for diagnosis. */
    public List<String> sampleFailures(int max) {
        return failed.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(SequencedValue::producer)
                        .thenComparingLong(SequencedValue::sequence)))
                .limit(max)
                .map(e -> e.getKey() + " -> " + e.getValue())
                .toList();
    }

    /** The highest acknowledged offset of {@code partition}, empty if nothing was acknowledged there. */
    public OptionalLong maxAcknowledgedOffset(TopicPartition partition) {
        return acknowledged.values().stream().filter(a -> a.partition().equals(partition))
                .mapToLong(Ack::offset).max();
    }

    /** Every partition that has at least one acknowledged record. */
    public Collection<TopicPartition> acknowledgedPartitions() {
        return acknowledged.values().stream().map(Ack::partition).distinct().toList();
    }

    /**
     * Checks a complete read-back of the partitions the records were sent to.
     *
     * @param readBack every record of each partition, from the log start offset (0) up to the high watermark, in the
     *                 order read
     * @throws IllegalStateException if some sends have not completed yet (flush the producers first)
     */
    public DeliveryReport verify(Map<TopicPartition, List<ReadRecord>> readBack) {
        if (pendingCount() != 0) {
            throw new IllegalStateException(pendingCount() + " sends have not completed; flush the producers first");
        }
        List<String> violations = new ArrayList<>(ackViolations);
        Map<SequencedValue, ReadRecord> readAt = new HashMap<>();
        long read = 0;
        for (Map.Entry<TopicPartition, List<ReadRecord>> entry : sorted(readBack)) {
            read += entry.getValue().size();
            checkPartition(entry.getKey(), entry.getValue(), readAt, violations);
        }
        acknowledged.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(Comparator.comparing((Ack a) -> a.partition().toString())
                        .thenComparingLong(Ack::offset)))
                .forEach(entry -> {
                    ReadRecord found = readAt.get(entry.getKey());
                    Ack ack = entry.getValue();
                    if (found == null) {
                        violations.add("LOST " + entry.getKey() + " acknowledged at " + ack + " is not in the log");
                    } else if (!found.partition().equals(ack.partition()) || found.offset() != ack.offset()) {
                        violations.add("MOVED " + entry.getKey() + " acknowledged at " + ack + " is read at "
                                + found.partition() + "@" + found.offset());
                    }
                });
        return new DeliveryReport(acknowledged.size(), failuresByType(), read, violations);
    }

    private void checkPartition(TopicPartition partition, List<ReadRecord> records,
                                Map<SequencedValue, ReadRecord> readAt, List<String> violations) {
        long previousOffset = -1;
        Map<String, Long> lastSequence = new HashMap<>();
        for (ReadRecord record : records) {
            if (record.offset() <= previousOffset) {
                violations.add("OFFSETS_NOT_INCREASING " + partition + ": offset " + record.offset()
                        + " read after " + previousOffset);
            }
            previousOffset = record.offset();
            SequencedValue value = SequencedValue.parse(record.value()).orElse(null);
            if (value == null) {
                violations.add("UNKNOWN " + record + " is not a value any producer sent");
                continue;
            }
            TopicPartition target = sent.get(value);
            if (target == null) {
                violations.add("UNKNOWN " + record + " was never sent");
            } else if (!target.equals(partition)) {
                violations.add("MISPLACED " + record + " was sent to " + target);
            }
            ReadRecord earlier = readAt.putIfAbsent(value, record);
            if (earlier != null) {
                violations.add("DUPLICATE " + value + " is read at " + earlier.partition() + "@" + earlier.offset()
                        + " and at " + record.partition() + "@" + record.offset());
                continue;
            }
            Long last = lastSequence.get(value.producer());
            if (last != null && value.sequence() < last) {
                violations.add("REORDERED " + record + ": " + value.producer() + "'s sequence " + value.sequence()
                        + " follows " + last + " in " + partition);
            } else {
                lastSequence.put(value.producer(), value.sequence());
            }
        }
    }

    private static List<Map.Entry<TopicPartition, List<ReadRecord>>> sorted(Map<TopicPartition, List<ReadRecord>> m) {
        return m.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic)
                        .thenComparingInt(TopicPartition::partition)))
                .toList();
    }
}
