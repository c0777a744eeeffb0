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
 */
public record GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                     int maxGroupSize, int offsetMetadataMaxBytes, int newMemberJoinTimeoutMs) {
    public GroupCoordinatorConfig {
        if (minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException("need 0 <= group.min.session.timeout.ms <= group.max.session.timeout.ms");
        }
        if (initialRebalanceDelayMs < 0 || maxGroupSize < 1 || offsetMetadataMaxBytes < 0 || newMemberJoinTimeoutMs < 0) {
            throw new IllegalArgumentException("negative group coordinator setting");
        }
    }

    /** The broker settings this class reads. */
    public static final java.util.Set<String> KEYS = java.util.Set.of("group.min.session.timeout.ms",
            "group.max.session.timeout.ms", "group.initial.rebalance.delay.ms", "group.max.size",
            "offset.metadata.max.bytes");

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
                    d.newMemberJoinTimeoutMs());
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException("invalid group coordinator settings: "
                    + e.getMessage());
        }
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
                newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withInitialRebalanceDelayMs(int delayMs) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, delayMs, maxGroupSize,
                offsetMetadataMaxBytes, newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withMaxGroupSize(int size) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, size,
                offsetMetadataMaxBytes, newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withOffsetMetadataMaxBytes(int bytes) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxGroupSize, bytes, newMemberJoinTimeoutMs);
    }

    public GroupCoordinatorConfig withNewMemberJoinTimeoutMs(int timeoutMs) {
        return new GroupCoordinatorConfig(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs,
                maxGroupSize, offsetMetadataMaxBytes, timeoutMs);
    }
}
