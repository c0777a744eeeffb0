package io.sluice.broker.coordinator;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link KafkaConsumer} that {@code subscribe()}s with a {@code group.id} and polls in its own thread (a
 * consumer is not thread-safe, so only that thread touches it), the way an application runs one. Optionally
 * {@code commitSync()}s after every poll that returned records.
 *
 * <p>What the test can read from any thread: every record consumed ({@link #consumed()}), the current assignment,
 * member id and generation as the consumer itself last saw them, the partitions each rebalance callback revoked or
 * assigned, and every exception the poll loop hit ({@link #errors()}: a failed {@code commitSync()} lands here).
 *
 * <p>{@link #close()} stops the loop and closes the consumer (a dynamic member leaves the group; a static one stays).
 */
final class ConsumerThread implements AutoCloseable {
    /** One consumed record. */
    record Consumed(String consumer, TopicPartition partition, long offset, String value) {
    }

    private final String name;
    private final Thread thread;
    private final boolean commitSync;
    private final ConcurrentLinkedQueue<Consumed> consumed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final List<Set<TopicPartition>> revoked = Collections.synchronizedList(new ArrayList<>());
    private final List<Set<TopicPartition>> assigned = Collections.synchronizedList(new ArrayList<>());
    private final KafkaConsumer<String, String> consumer;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile ConsumerGroupMetadata groupMetadata;
    private volatile boolean running = true;

    private ConsumerThread(String name, Map<String, Object> props, List<String> topics, boolean commitSync) {
        this.name = name;
        this.commitSync = commitSync;
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(() -> run(topics), "consumer-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * The test defaults: earliest, no auto commit, quick heartbeats (200 ms) and fetches (100 ms max wait), a 6 s
     * session; {@code overrides} win.
     */
    static Map<String, Object> properties(String bootstrapServers, String groupId, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30_000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + System.nanoTime());
        props.putAll(overrides);
        return props;
    }

    /** Creates the consumer, subscribes it to {@code topics} and starts polling. */
    static ConsumerThread start(String name, Map<String, Object> props, List<String> topics, boolean commitSync) {
        ConsumerThread consumer = new ConsumerThread(name, props, topics, commitSync);
        consumer.thread.start();
        return consumer;
    }

    private void run(List<String> topics) {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked.add(Set.copyOf(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.add(Set.copyOf(partitions));
                }
            });
            while (running) {
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    // close() woke us up
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
    }

    private void pollOnce() {
        var records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<String, String> record : records) {
            consumed.add(new Consumed(name, new TopicPartition(record.topic(), record.partition()), record.offset(),
                    record.value()));
        }
        if (commitSync && !records.isEmpty()) {
            consumer.commitSync();
        }
        assignment = Set.copyOf(consumer.assignment());
        groupMetadata = consumer.groupMetadata();
    }

    String name() {
        return name;
    }

    /** @return every record consumed so far, in consumption order */
    List<Consumed> consumed() {
        return List.copyOf(consumed);
    }

    /** @return the partitions the consumer owned after its last poll */
    Set<TopicPartition> assignment() {
        return assignment;
    }

    /** @return the generation the consumer was in after its last poll (-1 before it joined) */
    int generation() {
        ConsumerGroupMetadata metadata = groupMetadata;
        return metadata == null ? -1 : metadata.generationId();
    }

    /** @return the member id the consumer had after its last poll ("" before it joined) */
    String memberId() {
        ConsumerGroupMetadata metadata = groupMetadata;
        return metadata == null ? "" : metadata.memberId();
    }

    /** @return the partitions each {@code onPartitionsRevoked} call named, in order */
    List<Set<TopicPartition>> revocations() {
        synchronized (revoked) {
            return List.copyOf(revoked);
        }
    }

    /** @return the partitions each {@code onPartitionsAssigned} call named, in order */
    List<Set<TopicPartition>> assignments() {
        synchronized (assigned) {
            return List.copyOf(assigned);
        }
    }

    /** @return every exception the poll loop hit (failed polls and commits) */
    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ConsumerThread(" + name + ", member " + memberId() + ", generation " + generation() + ", assignment "
                + assignment + ", " + consumed.size() + " consumed, " + errors.size() + " errors)";
    }
}
