package io.sluice.loadtests.workload;

import io.sluice.loadtests.metrics.RunMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Time;

/**
 * What the producer and consumer tasks of one run share: its settings, the partition count found or
 * created, the produce budget and rate limiter, the clocks, the metrics, and the signal that tells consumers
 * to stop. Thread-safe.
 */
public final class RunContext {
    private final LoadTestConfig config;
    private final int partitions;
    private final WorkBudget produceBudget;
    private final RateLimiter rateLimiter;
    private final Time time;
    private final MicrosClock clock;
    private final RunMetrics metrics;
    private final long runStartMicros;
    private final AtomicBoolean consumersStopped = new AtomicBoolean();

    /**
     * @param config the run's settings
     * @param partitions partitions of the topic, ids {@code 0 .. partitions - 1}
     * @param produceBudget bounds all producers together
     * @param rateLimiter paces all producers together
     * @param time clock for durations
     * @param clock clock for embedded send times; {@link #runStartMicros()} is read from it now
     * @param metrics where tasks record what they did
     */
    public RunContext(LoadTestConfig config, int partitions, WorkBudget produceBudget, RateLimiter rateLimiter,
                      Time time, MicrosClock clock, RunMetrics metrics) {
        this.config = config;
        this.partitions = partitions;
        this.produceBudget = produceBudget;
        this.rateLimiter = rateLimiter;
        this.time = time;
        this.clock = clock;
        this.metrics = metrics;
        this.runStartMicros = clock.nowMicros();
    }

    public LoadTestConfig config() {
        return config;
    }

    /** @return partitions of the topic, ids {@code 0 .. partitions - 1} */
    public int partitions() {
        return partitions;
    }

    public WorkBudget produceBudget() {
        return produceBudget;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public Time time() {
        return time;
    }

    public MicrosClock clock() {
        return clock;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    /** @return when this run started, microseconds since the epoch; older embedded send times are not ours */
    public long runStartMicros() {
        return runStartMicros;
    }

    /** Tells every consumer task to finish its current fetch and return. */
    public void stopConsumers() {
        consumersStopped.set(true);
    }

    /** @return true once consumers should stop */
    public boolean consumersStopped() {
        return consumersStopped.get();
    }

    /**
     * Records one consumed record, decoding its embedded send time.
     *
     * @param keyBytes key length in bytes (0 for a null key)
     * @param value the value bytes, possibly {@code null}
     */
    public void recordConsumed(int keyBytes, byte[] value) {
        int valueBytes = value == null ? 0 : value.length;
        metrics.recordConsumed(keyBytes + valueBytes, PayloadFactory.decodeSendMicros(value), runStartMicros,
            clock.nowMicros(), time.nanoseconds());
    }

    /**
     * Records one consumed record that arrived as text (HTTP API).
     *
     * @param payloadBytes key plus value length in bytes
     * @param value the value text, possibly {@code null}
     */
    public void recordConsumed(long payloadBytes, CharSequence value) {
        metrics.recordConsumed(payloadBytes, PayloadFactory.decodeSendMicros(value), runStartMicros,
            clock.nowMicros(), time.nanoseconds());
    }
}
