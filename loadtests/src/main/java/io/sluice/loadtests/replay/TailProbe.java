package io.sluice.loadtests.replay;

import io.sluice.loadtests.metrics.ErrorCounts;
import io.sluice.loadtests.metrics.LatencyRecorder;
import io.sluice.loadtests.report.LatencySummary;
import io.sluice.loadtests.workload.MicrosClock;
import io.sluice.loadtests.workload.PayloadFactory;
import io.sluice.loadtests.workload.RateLimiter;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Time;

/**
 * A producer at a fixed, modest rate whose produce latency is the thing measured: the "tail" traffic of a live
 * application, measured once alone and once while a consumer replays old data from the object store, to see how much
 * replay disturbs it.
 *
 * <p>Each phase paces sends with a fresh {@link RateLimiter} (an absolute schedule, catch-up bursts of at most a
 * tenth of a second's records) and ends with {@code flush}, so every record's latency lands in the phase that sent
 * it. Latency runs from just before {@code send} to the acknowledgement callback, as in Kafka's
 * {@code ProducerPerformance}. Not thread-safe; the producer belongs to the caller.
 */
public final class TailProbe {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int recordSize;
    private final double rate;
    private final Time time;
    private final RateLimiter.Parker parker;

    /**
     * @param producer the producer (typically {@code acks=all})
     * @param topic the tail topic
     * @param recordSize value size in bytes
     * @param rate records per second, positive
     * @param time clock for pacing and latency
     * @param parker how the pacing waits ({@code LockSupport::parkNanos} on the system clock)
     */
    public TailProbe(Producer<byte[], byte[]> producer, String topic, int recordSize, double rate, Time time,
                     RateLimiter.Parker parker) {
        this.producer = producer;
        this.topic = topic;
        this.recordSize = recordSize;
        this.rate = rate;
        this.time = time;
        this.parker = parker;
    }

    /**
     * Sends at the rate for {@code duration} (or until {@code stop} says so), then waits for the outstanding
     * acknowledgements.
     *
     * @param name the phase's name in the report
     * @param duration how long to send
     * @param stop checked before each send; true ends the phase early
     * @return the phase's counts and latency percentiles
     */
    public TailPhase run(String name, Duration duration, BooleanSupplier stop) {
        RateLimiter limiter = RateLimiter.create(rate, Math.max(1L, (long) (rate / 10)), time, parker);
        PayloadFactory payloads = new PayloadFactory(recordSize, new Random(7));
        MicrosClock clock = new MicrosClock(time);
        LatencyRecorder latency = new LatencyRecorder();
        ErrorCounts errors = new ErrorCounts();
        AtomicLong acked = new AtomicLong();
        long sent = 0;
        long start = time.nanoseconds();
        long end = start + duration.toNanos();
        while (!stop.getAsBoolean()) {
            limiter.acquire(1);
            long sentNanos = time.nanoseconds();
            if (sentNanos >= end) {
                break;
            }
            producer.send(new ProducerRecord<>(topic, payloads.next(clock.nowMicros())), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                    latency.recordMicros((time.nanoseconds() - sentNanos) / 1_000L);
                } else {
                    errors.add(error, 1);
                }
            });
            sent++;
        }
        long sendingNanos = Math.min(time.nanoseconds(), end) - start;
        producer.flush();
        return new TailPhase(name, sendingNanos / 1e9, rate, sent, acked.get(), errors.snapshot(),
            LatencySummary.fromMicros(latency.cumulative()));
    }
}
