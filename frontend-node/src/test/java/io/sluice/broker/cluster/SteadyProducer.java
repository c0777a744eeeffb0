package io.sluice.broker.cluster;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A producer writing steadily in the background: every {@code tick} it sends {@code recordsPerTick} records with
 * {@link SequencedValue}s {@code <name>-<sequence>}, record {@code n} to partition {@code n % partitions}, and
 * registers each send with a {@link DeliveryChecker}. Sends are asynchronous; a tick whose sends block (no
 * metadata yet, buffer full) delays the next tick rather than piling up.
 *
 * <p>{@link #stop(Duration)} stops sending, waits for every outstanding send to complete (acknowledged or failed)
 * and closes the producer.
 */
public final class SteadyProducer implements AutoCloseable {
    private static final int PADDING = 100;

    private final String name;
    private final String topic;
    private final int partitions;
    private final int recordsPerTick;
    private final KafkaProducer<String, String> producer;
    private final DeliveryChecker checker;
    private final ScheduledExecutorService ticker;
    private final AtomicLong nextSequence = new AtomicLong();
    private volatile boolean stopped;

    private SteadyProducer(String name, String topic, int partitions, int recordsPerTick,
                           KafkaProducer<String, String> producer, DeliveryChecker checker) {
        this.name = name;
        this.topic = topic;
        this.partitions = partitions;
        this.recordsPerTick = recordsPerTick;
        this.producer = producer;
        this.checker = checker;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "steady-producer-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts writing.
     *
     * @param name           the producer's name in the values (letters, digits, {@code _})
     * @param producer       a configured producer (e.g. {@link SluiceCluster#producer}); closed by {@link #stop}
     * @param recordsPerTick records sent per tick
     * @param tick           the pause between the end of one tick and the next
     */
    public static SteadyProducer start(String name, KafkaProducer<String, String> producer, String topic,
                                       int partitions, DeliveryChecker checker, int recordsPerTick, Duration tick) {
        SteadyProducer steady = new SteadyProducer(name, topic, partitions, recordsPerTick, producer, checker);
        steady.ticker.scheduleWithFixedDelay(steady::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return steady;
    }

    private void tick() {
        for (int i = 0; i < recordsPerTick && !stopped; i++) {
            SequencedValue value = new SequencedValue(name, nextSequence.getAndIncrement());
            TopicPartition partition = new TopicPartition(topic, (int) (value.sequence() % partitions));
            var callback = checker.sending(value, partition);
            try {
                producer.send(new ProducerRecord<>(topic, partition.partition(), null, value.encode(PADDING)),
                        callback);
            } catch (RuntimeException e) {
                checker.failed(value, e);
            }
        }
    }

    /** Records handed to the producer so far. */
    public long sent() {
        return nextSequence.get();
    }

    /**
     * Stops sending and waits until every send has completed, then closes the producer.
     *
     * @param flushTimeout how long the outstanding sends may take (they complete within the producer's
     *                     {@code delivery.timeout.ms} in any case)
     */
    public void stop(Duration flushTimeout) throws InterruptedException {
        stopped = true;
        ticker.shutdown();
        if (!ticker.awaitTermination(flushTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("producer " + name + " did not stop sending within " + flushTimeout);
        }
        producer.flush();
        producer.close(flushTimeout);
    }

    /** Stops at once if {@link #stop} was not called: outstanding sends fail, the producer is closed. */
    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            ticker.shutdownNow();
            producer.close(Duration.ZERO);
        }
    }
}
