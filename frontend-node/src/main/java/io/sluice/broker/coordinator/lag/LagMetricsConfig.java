package io.sluice.broker.coordinator.lag;

import org.apache.kafka.common.config.ConfigException;

import java.util.Map;
import java.util.Set;

/**
 * Settings of the consumer lag metrics ({@link ConsumerLagMetrics}).
 *
 * @param refreshIntervalMs {@code sluice.group.lag.interval.ms} (default {@value #DEFAULT_REFRESH_INTERVAL_MS}): the
 *                          pause between two refreshes of the lag gauges, milliseconds, &gt; 0
 */
public record LagMetricsConfig(long refreshIntervalMs) {
    /** The broker setting of {@link #refreshIntervalMs()}. */
    public static final String REFRESH_INTERVAL_MS = "sluice.group.lag.interval.ms";
    /** Its default: 10 seconds. */
    public static final long DEFAULT_REFRESH_INTERVAL_MS = 10_000L;
    /** The broker settings this class reads. */
    public static final Set<String> KEYS = Set.of(REFRESH_INTERVAL_MS);

    public LagMetricsConfig {
        if (refreshIntervalMs <= 0) {
            throw new ConfigException(REFRESH_INTERVAL_MS, refreshIntervalMs, "must be > 0");
        }
    }

    /**
     * Reads the settings from the broker's properties.
     *
     * @throws ConfigException if {@code sluice.group.lag.interval.ms} is not a positive integer
     */
    public static LagMetricsConfig fromBrokerSettings(Map<String, String> settings) {
        String raw = settings.get(REFRESH_INTERVAL_MS);
        if (raw == null || raw.isBlank()) {
            return new LagMetricsConfig(DEFAULT_REFRESH_INTERVAL_MS);
        }
        try {
            return new LagMetricsConfig(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException(REFRESH_INTERVAL_MS, raw, "must be a positive integer (milliseconds)");
        }
    }
}
