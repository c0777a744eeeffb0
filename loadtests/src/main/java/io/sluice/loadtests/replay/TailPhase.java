package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.LatencySummary;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Produce latency of the tail producer over one phase.
 *
 * @param name what ran beside it, e.g. {@code "alone"}, {@code "during replay"}
 * @param seconds how long records were sent
 * @param targetRate the offered rate, records per second
 * @param sent records sent
 * @param acknowledged records acknowledged (with the phase's {@code acks})
 * @param errorsByKind failed records by exception class name
 * @param latency produce latency of the acknowledged records (from just before {@code send} to the callback), or
 *     {@code null} if none was acknowledged
 */
public record TailPhase(String name, double seconds, double targetRate, long sent, long acknowledged,
                        Map<String, Long> errorsByKind, LatencySummary latency) {

    /** Copies {@code errorsByKind}, sorted by kind. */
    public TailPhase {
        errorsByKind = Collections.unmodifiableMap(new TreeMap<>(errorsByKind));
    }

    /** @return records failed, all kinds together */
    public long errors() {
        return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return records sent per second, 0 when no time passed */
    public double achievedRate() {
        return seconds <= 0 ? 0.0 : sent / seconds;
    }
}
