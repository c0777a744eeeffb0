package io.sluice.broker.coordinator.group;

/**
 * The group coordinator's settings, with Kafka's broker config names and defaults.
 *
 * @param minSessionTimeoutMs     {@code group.min.session.timeout.ms} (Kafka default 6000): the smallest
 *                                {@code session.timeout.ms} a JoinGroup may ask for; smaller gets
 *                                INVALID_SESSION_TIMEOUT
 * @param maxSessionTimeoutMs     {@code group.max.session.timeout.ms} (Kafka default 1800000): the largest; larger
 *                                gets INVALID_SESSION_TIMEOUT
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms} (Kafka default 3000): how long the first
 *                                rebalance of an empty group waits for more members, extended by the same delay
 *                                while new members keep arriving, up to the rebalance timeout
 * @param maxGroupSize            {@code group.max.size} (Kafka default {@link Integer#MAX_VALUE}): members beyond it
 *                                get GROUP_MAX_SIZE_REACHED
 * @param offsetMetadataMaxBytes  {@code offset.metadata.max.bytes} (Kafka default 4096): longer commit metadata
 *                                strings (counted in chars, as Kafka does) get OFFSET_METADATA_TOO_LARGE
 * @param newMemberJoinTimeoutMs  how long a new member's parked JoinGroup may wait before it is dropped (Kafka's
 *                                internal {@code group.classic.new.member.join.timeout.ms}, 300000)
 * @param offsetsRetentionMs      {@code offsets.retention.minutes} (Kafka default 10080, 7 days; KIP-211) in
 *                                milliseconds: how long committed offsets are kept after the group became Empty (or,
 *                                for offsets of topics an active group no longer subscribes to and for groups that
 *                                never had members, after their commit); see {@link OffsetExpiry}. &gt; 0
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms} (Kafka default 600000): how
 *                                often the coordinator looks for expired offsets, milliseconds. &gt; 0
 */
public record GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                     int maxGroupSize, int offsetMetadataMaxBytes, int newMemberJoinTimeoutMs,
                                     long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs) {
    /** Kafka's default {@code offsets.retention.minutes}: 7 days. */
    public static final long DEFAULT_OFFSETS_RETENTION_MS = java.util.concurrent.TimeUnit.MINUTES.toMillis(10_080);
    /** Kafka's default {@code offsets.retention.check.interval.ms}: 10 minutes. */
    public static final long DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS = 600_000;

    public GroupCoordinatorConfig {
        if (minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException("need 0 <= group.min.session.timeout.ms <= group.max.session.timeout.ms");
        }
        if (initialRebalanceDelayMs < 0 || maxGroupSize < 1 || offsetMetadataMaxBytes < 0 || newMemberJoinTimeoutMs < 0) {
            throw new IllegalArgumentException("negative group coordinator setting");
        }
        if (offsetsRetentionMs < 1 || offsetsRetentionCheckIntervalMs < 1) {
            throw new IllegalArgumentException("offsets.retention.minutes and offsets.retention.check.interval.ms "
                    + "must be positive");
        }
    }

    /** The settings before offset retention existed; offset retention gets Kafka's defaults. */
    public GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                  int maxGroupSize, int offsetMetadataMaxBytes, int newMemberJoinTimeoutMs) {
        this(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, maxGroupSize, offsetMetadataMaxBytes,
                newMemberJoinTimeoutMs, DEFAULT_OFFSETS_RETENTION_MS, DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS);
    }

    /**
     * A Sluice-only override of {@code offsets.retention.minutes} in milliseconds, for tests and development
     * clusters that need a retention shorter than Kafka's one-minute minimum. Kafka 4 has no such key; when both are
     * set this one wins.
     */
    public static final String OFFSETS_RETENTION_MS_OVERRIDE = "offsets.retention.ms";

    /** The broker settings this class reads. */
    public static final java.util.Set<String> KEYS = java.util.Set.of("group.min.session.timeout.ms",
            "group.max.session.timeout.ms", "group.initial.rebalance.delay.ms", "group.max.size",
            "offset.metadata.max.bytes", "offsets.retention.minutes", "offsets.retention.check.interval.ms",
            OFFSETS_RETENTION_MS_OVERRIDE);

    /**
     * Reads the settings from the broker's properties (Kafka's names, Kafka's defaults for missing ones).
     *
     * @throws org.apache.kafka.common.config.ConfigException if a value is not a number or out of range
     */
    public static GroupCoordinatorConfig fromBrokerSettings(java.util.Map<String, String> settings) {
        GroupCoordinatorConfig d = defaults();
        try {
            return new GroupCoordinatorConfig(
                    intValue(settings, "group.min.session.timeout.ms", d.minSessionTimeoutMs()),
                    intValue(settings, "group.max.session.timeout.ms", d.maxSessionTimeoutMs()),
                    intValue(settings, "group.initial.rebalance.delay.ms", d.initialRebalanceDelayMs()),
                    intValue(settings, "group.max.size", d.maxGroupSize()),
                    intValue(settings, "offset.metadata.max.bytes", d.offsetMetadataMaxBytes()),
                    d.newMemberJoinTimeoutMs(),
                    retentionMs(settings, d.offsetsRetentionMs()),
                    longValue(settings, "offsets.retention.check.interval.ms", d.offsetsRetentionCheckIntervalMs()));
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException("invalid group coordinator settings: "
                    + e.getMessage());
        }
    }

    /**
     * {@code offsets.retention.ms} (Sluice-only) if set, else {@code offsets.retention.minutes}, which Kafka requires
     * to be at least 1.
     */
    private static long retentionMs(java.util.Map<String, String> settings, long defaultMs) {
        String override = settings.get(OFFSETS_RETENTION_MS_OVERRIDE);
        if (override != null && !override.isBlank()) {
            return Long.parseLong(override.trim());
        }
        int minutes = intValue(settings, "offsets.retention.minutes",
                (int) java.util.concurrent.TimeUnit.MILLISECONDS.toMinutes(defaultMs));
        if (minutes < 1) {
            throw new IllegalArgumentException("offsets.retention.minutes must be at least 1, got " + minutes);
        }
        return java.util.concurrent.TimeUnit.MINUTES.toMillis(minutes);
    }

    private static long longValue(java.util.Map<String, String> settings, String key, long defaultValue) {
        String raw = settings.get(key);
        return raw == null || raw.isBlank() ? defaultValue : Long.parseLong(raw.trim());
    }

    private static int intValue(java.util.Map<String, String> settings, String key, int defaultValue) {
        String raw = settings.get(key);
        return raw == null || raw.isBlank() ? defaultValue : Integer.parseInt(raw.trim());
    }

    /** @return Kafka's defaults */
    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 4096, 300_000);
    }

    public GroupCoordinatorConfig withSessionTimeoutBounds(int minMs, int maxMs) {
        return new GroupCoordinatorConfig(minMs, maxMs, initialRebalanceDelayMs, maxGroupSize, offsetMetadataMaxBytes,
                newMemberJoinTimeoutMs, offsetsRetentionMs, offsetsRetentionCheckIntervalMs);
    }

    public GroupCoordinatorConfig withInitialRebalanceDelayMs(int delayMs) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, delayMs, maxGroupSize,
                offsetMetadataMaxBytes, newMemberJoinTimeoutMs, offsetsRetentionMs, offsetsRetentionCheckIntervalMs);
    }

    public GroupCoordinatorConfig withMaxGroupSize(int size) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, size,
                offsetMetadataMaxBytes, newMemberJoinTimeoutMs, offsetsRetentionMs, offsetsRetentionCheckIntervalMs);
    }

    public GroupCoordinatorConfig withOffsetMetadataMaxBytes(int bytes) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxGroupSize, bytes, newMemberJoinTimeoutMs, offsetsRetentionMs, offsetsRetentionCheckIntervalMs);
    }

    public GroupCoordinatorConfig withNewMemberJoinTimeoutMs(int timeoutMs) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxGroupSize, offsetMetadataMaxBytes, timeoutMs, offsetsRetentionMs, offsetsRetentionCheckIntervalMs);
    }

    /**
     * @param retentionMs     the offset retention, milliseconds (&gt; 0)
     * @param checkIntervalMs the pause between two expiry checks, milliseconds (&gt; 0)
     */
    public GroupCoordinatorConfig withOffsetsRetention(long retentionMs, long checkIntervalMs) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxGroupSize, offsetMetadataMaxBytes, newMemberJoinTimeoutMs, retentionMs, checkIntervalMs);
    }
}
