package io.sluice.metadata.controller;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the controller behaves.
 *
 * @param leaseTtl                     TTL of the controller lease: when the active controller dies or is paused
 *                                     longer, etcd ends its term and another broker is elected. Rounded up to whole
 *                                     seconds (etcd's unit); etcd silently raises TTLs below its minimum (about 1.5 x
 *                                     its election timeout). Default {@value #DEFAULT_LEASE_TTL_MS} ms.
 * @param autoLeaderRebalanceEnable    Kafka's {@code auto.leader.rebalance.enable} (default true): periodically move
 *                                     leadership back to each partition's first (preferred) replica when it is live
 *                                     and in the ISR
 * @param leaderImbalanceCheckInterval Kafka's {@code leader.imbalance.check.interval.seconds} (default 300 s): how
 *                                     often the preferred leader check runs
 */
public record ControllerConfig(Duration leaseTtl, boolean autoLeaderRebalanceEnable,
                               Duration leaderImbalanceCheckInterval) {

    public static final long DEFAULT_LEASE_TTL_MS = 10_000;
    public static final long DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = 300;

    /** Kafka's broker setting names, plus Sluice's. */
    public static final String LEASE_TTL_MS_CONFIG = "controller.lease.ttl.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE_CONFIG = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS_CONFIG =
        "leader.imbalance.check.interval.seconds";
    /** Sluice's millisecond override of {@code leader.imbalance.check.interval.seconds} (for tests). */
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_MS_CONFIG = "leader.imbalance.check.interval.ms";

    public ControllerConfig {
        requirePositive(leaseTtl, "leaseTtl");
        requirePositive(leaderImbalanceCheckInterval, "leaderImbalanceCheckInterval");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Lease TTL 10 s, auto leader rebalance on, checked every 300 s (Kafka's defaults). */
    public static ControllerConfig defaults() {
        return new ControllerConfig(Duration.ofMillis(DEFAULT_LEASE_TTL_MS), true,
            Duration.ofSeconds(DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS));
    }

    /**
     * Reads the broker settings {@value #LEASE_TTL_MS_CONFIG}, {@value #AUTO_LEADER_REBALANCE_ENABLE_CONFIG},
     * {@value #LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS_CONFIG} and {@value #LEADER_IMBALANCE_CHECK_INTERVAL_MS_CONFIG}
     * (which wins over the seconds one); missing ones take the defaults.
     *
     * @throws IllegalArgumentException if a value is not a number, not {@code true}/{@code false}, or not positive
     */
    public static ControllerConfig fromBrokerSettings(Map<String, String> settings) {
        ControllerConfig d = defaults();
        Duration lease = settings.containsKey(LEASE_TTL_MS_CONFIG)
            ? Duration.ofMillis(parseLong(settings, LEASE_TTL_MS_CONFIG)) : d.leaseTtl();
        boolean rebalance = settings.containsKey(AUTO_LEADER_REBALANCE_ENABLE_CONFIG)
            ? parseBoolean(settings, AUTO_LEADER_REBALANCE_ENABLE_CONFIG) : d.autoLeaderRebalanceEnable();
        Duration interval = d.leaderImbalanceCheckInterval();
        if (settings.containsKey(LEADER_IMBALANCE_CHECK_INTERVAL_MS_CONFIG)) {
            interval = Duration.ofMillis(parseLong(settings, LEADER_IMBALANCE_CHECK_INTERVAL_MS_CONFIG));
        } else if (settings.containsKey(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS_CONFIG)) {
            interval = Duration.ofSeconds(parseLong(settings, LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS_CONFIG));
        }
        return new ControllerConfig(lease, rebalance, interval);
    }

    private static long parseLong(Map<String, String> settings, String name) {
        String raw = settings.get(name).trim();
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + raw + "'", e);
        }
    }

    private static boolean parseBoolean(Map<String, String> settings, String name) {
        String raw = settings.get(name).trim();
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    }

    /** A copy with another lease TTL. */
    public ControllerConfig withLeaseTtl(Duration ttl) {
        return new ControllerConfig(ttl, autoLeaderRebalanceEnable, leaderImbalanceCheckInterval);
    }

    /** A copy with other preferred-leader settings. */
    public ControllerConfig withLeaderRebalance(boolean enable, Duration checkInterval) {
        return new ControllerConfig(leaseTtl, enable, checkInterval);
    }
}
