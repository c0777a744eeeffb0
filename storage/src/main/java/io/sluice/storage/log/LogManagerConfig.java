package io.sluice.storage.log;

/**
 * Log-dir level settings of {@link LogManager}, with Kafka's broker-config names and defaults.
 *
 * @param retentionCheckIntervalMs             {@code log.retention.check.interval.ms}: how often retention
 *                                             runs; default 300000
 * @param flushCheckpointIntervalMs            {@code log.flush.offset.checkpoint.interval.ms}: how often
 *                                             {@code recovery-point-offset-checkpoint} is written; default 60000
 * @param flushStartOffsetCheckpointIntervalMs {@code log.flush.start.offset.checkpoint.interval.ms}: how often
 *                                             {@code log-start-offset-checkpoint} is written; default 60000
 * @param flushSchedulerIntervalMs             {@code log.flush.scheduler.interval.ms}: how often logs are
 *                                             checked against their {@code flush.ms}; default
 *                                             {@link Long#MAX_VALUE} (never, as Kafka: set it to use {@code flush.ms})
 * @param highWatermarkCheckpointIntervalMs    {@code replica.high.watermark.checkpoint.interval.ms}: how often
 *                                             {@code replication-offset-checkpoint} is written; default 5000
 * @param producerIdExpirationCheckIntervalMs  {@code producer.id.expiration.check.interval.ms}: how often
 *                                             idle producer ids are removed; default 600000
 * @param initialTaskDelayMs                   delay before the first run of each periodic task (Kafka's
 *                                             {@code InitialTaskDelayMs}); default 30000
 */
public record LogManagerConfig(long retentionCheckIntervalMs, long flushCheckpointIntervalMs,
                               long flushStartOffsetCheckpointIntervalMs, long flushSchedulerIntervalMs,
                               long highWatermarkCheckpointIntervalMs, long producerIdExpirationCheckIntervalMs,
                               long initialTaskDelayMs) {
    public LogManagerConfig {
        positive("log.retention.check.interval.ms", retentionCheckIntervalMs);
        positive("log.flush.offset.checkpoint.interval.ms", flushCheckpointIntervalMs);
        positive("log.flush.start.offset.checkpoint.interval.ms", flushStartOffsetCheckpointIntervalMs);
        positive("log.flush.scheduler.interval.ms", flushSchedulerIntervalMs);
        positive("replica.high.watermark.checkpoint.interval.ms", highWatermarkCheckpointIntervalMs);
        positive("producer.id.expiration.check.interval.ms", producerIdExpirationCheckIntervalMs);
        if (initialTaskDelayMs < 0) {
            throw new IllegalArgumentException("initialTaskDelayMs must not be negative: " + initialTaskDelayMs);
        }
    }

    public static LogManagerConfig defaults() {
        return new LogManagerConfig(300000L, 60000L, 60000L, Long.MAX_VALUE, 5000L, 600000L, 30000L);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
