package io.sluice.loadtests.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * All measurements of one run: the produce stage with its acknowledgement latency, the consume stage with
 * its end-to-end latency, and how many of the consumed records this run itself produced. Thread-safe.
 */
public final class RunMetrics {
    private final StageMetrics produce = new StageMetrics();
    private final LatencyRecorder produceLatency = new LatencyRecorder();
    private final StageMetrics consume = new StageMetrics();
    private final LatencyRecorder endToEndLatency = new LatencyRecorder();
    private final LongAdder ownRecordsConsumed = new LongAdder();

    /** @return records acknowledged by the broker, their bytes and the produce errors */
    public StageMetrics produce() {
        return produce;
    }

    /** @return time from just before {@code send} to the broker's acknowledgement, per record */
    public LatencyRecorder produceLatency() {
        return produceLatency;
    }

    /** @return records consumed (any producer's), their bytes and the fetch errors */
    public StageMetrics consume() {
        return consume;
    }

    /** @return time from the send time a producer of this run embedded to when a consumer received the record */
    public LatencyRecorder endToEndLatency() {
        return endToEndLatency;
    }

    /**
     * Records one consumed record.
     *
     * @param payloadBytes key plus value bytes
     * @param sendMicros embedded send time, or a negative value if the record carries none
     * @param runStartMicros records sent before this are someone else's and get no end-to-end latency
     * @param nowMicros receive time on the same clock as {@code sendMicros}
     * @param nowNanos receive time as a {@code Time.nanoseconds()} reading
     */
    public void recordConsumed(long payloadBytes, long sendMicros, long runStartMicros, long nowMicros, long nowNanos) {
        consume.recordCompleted(1, payloadBytes, nowNanos);
        if (sendMicros >= runStartMicros) {
            ownRecordsConsumed.increment();
            endToEndLatency.recordMicros(nowMicros - sendMicros);
        }
    }

    /** @return consumed records that carry a send time from this run */
    public long ownRecordsConsumed() {
        return ownRecordsConsumed.sum();
    }
}
