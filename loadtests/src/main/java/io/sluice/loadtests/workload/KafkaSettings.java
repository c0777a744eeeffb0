package io.sluice.loadtests.workload;

import java.util.Map;
import java.util.Set;

/**
 * Kafka-protocol client settings of a run.
 *
 * @param bootstrapServers {@code host:port[,host:port]}, or {@code null} when only the HTTP API is driven
 * @param acks producer {@code acks}: {@code 0}, {@code 1}, {@code all} (or its alias {@code -1})
 * @param compression producer {@code compression.type}: {@code none}, {@code gzip}, {@code snappy}, {@code lz4}
 *     or {@code zstd}
 * @param batchSize producer {@code batch.size} in bytes, or {@code null} for the client default (16384)
 * @param lingerMs producer {@code linger.ms}, or {@code null} for the client default (5 ms since Kafka 4.0, KIP-1030)
 * @param producerProperties extra producer configs, applied last (they override the ones above)
 * @param consumerProperties extra consumer configs, applied last
 */
public record KafkaSettings(
    String bootstrapServers,
    String acks,
    String compression,
    Integer batchSize,
    Integer lingerMs,
    Map<String, String> producerProperties,
    Map<String, String> consumerProperties) {

    private static final Set<String> ACKS = Set.of("0", "1", "all", "-1");
    /** The values of the producer's {@code compression.type}. */
    private static final Set<String> COMPRESSION_TYPES = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    /** @throws IllegalArgumentException naming the bad setting */
    public KafkaSettings {
        if (!ACKS.contains(acks)) {
            throw new IllegalArgumentException("--acks must be one of 0, 1, all (or -1), got " + acks);
        }
        if (!COMPRESSION_TYPES.contains(compression)) {
            throw new IllegalArgumentException("--compression must be one of none, gzip, snappy, lz4, zstd, got " + compression);
        }
        if (batchSize != null && batchSize < 0) {
            throw new IllegalArgumentException("--batch-size must not be negative, got " + batchSize);
        }
        if (lingerMs != null && lingerMs < 0) {
            throw new IllegalArgumentException("--linger-ms must not be negative, got " + lingerMs);
        }
        producerProperties = Map.copyOf(producerProperties == null ? Map.of() : producerProperties);
        consumerProperties = Map.copyOf(consumerProperties == null ? Map.of() : consumerProperties);
    }
}
