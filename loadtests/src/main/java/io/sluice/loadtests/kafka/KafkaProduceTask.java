package io.sluice.loadtests.kafka;

import io.sluice.loadtests.metrics.LatencyRecorder;
import io.sluice.loadtests.metrics.StageMetrics;
import io.sluice.loadtests.workload.PayloadFactory;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.Transport;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KafkaProducer} sending null-keyed values of the configured size, so the client's default
 * (sticky) partitioner spreads batches over the partitions as it would for any keyless application.
 *
 * <p>Produce latency of a record runs from just before {@code send} (so it includes time blocked on a full
 * buffer) to its callback, as in Kafka's {@code ProducerPerformance}. With {@code acks=0} the callback fires
 * once the request is written, so that latency measures only the client. A failure passed to the callback
 * is counted under its exception's class name; a {@code send} that throws ends this producer. When the budget
 * is used up the producer is closed with a {@link #CLOSE_TIMEOUT} bound, so a broker that stopped answering
 * holds it at most that long (plus one {@code max.block.ms} for a send already blocked).
 */
final class KafkaProduceTask implements Transport.ProduceTask {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProduceTask.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final int index;
    private final Properties props;
    private final RunContext context;

    KafkaProduceTask(int index, Properties props, RunContext context) {
        this.index = index;
        this.props = props;
        this.context = context;
    }

    @Override
    public void run() {
        StageMetrics metrics = context.metrics().produce();
        Producer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(props);
        } catch (KafkaException e) {
            LOG.error("producer={} could not start: {}", index, e.toString());
            metrics.recordFailed(e, 1, context.time().nanoseconds());
            return;
        }
        try {
            sendUntilBudgetUsed(producer, metrics);
        } catch (KafkaException e) {
            LOG.error("producer={} stopped: {}", index, e.toString());
            metrics.recordFailed(e, 1, context.time().nanoseconds());
        } finally {
            // close() sends what is buffered and waits for it, like flush(), but only up to the timeout: records
            // still unacknowledged then fail through their callbacks and are counted as errors.
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private void sendUntilBudgetUsed(Producer<byte[], byte[]> producer, StageMetrics metrics) {
        PayloadFactory payloads = new PayloadFactory(context.config().recordSize(), new Random(31L * index + 17));
        LatencyRecorder latency = context.metrics().produceLatency();
        String topic = context.config().topic();
        while (context.produceBudget().tryAcquire()) {
            context.rateLimiter().acquire(1);
            byte[] value = payloads.next(context.clock().nowMicros());
            long sentNanos = context.time().nanoseconds();
            producer.send(new ProducerRecord<>(topic, value), new Completion(sentNanos, value.length, metrics, latency));
        }
    }

    /** Records one record's outcome; runs on the producer's I/O thread, so it only touches counters. */
    private final class Completion implements Callback {
        private final long sentNanos;
        private final int bytes;
        private final StageMetrics metrics;
        private final LatencyRecorder latency;

        Completion(long sentNanos, int bytes, StageMetrics metrics, LatencyRecorder latency) {
            this.sentNanos = sentNanos;
            this.bytes = bytes;
            this.metrics = metrics;
            this.latency = latency;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            long now = context.time().nanoseconds();
            if (exception == null) {
                metrics.recordCompleted(1, bytes, now);
                latency.recordMicros((now - sentNanos) / 1_000L);
            } else {
                metrics.recordFailed(exception, 1, now);
            }
        }
    }
}
