package io.sluice.broker.replication;

/**
 * Follower fetch settings, Kafka's names and defaults.
 *
 * @param fetchMaxWaitMs       {@code replica.fetch.wait.max.ms} (500): the leader may hold a fetch this long
 * @param fetchMinBytes        {@code replica.fetch.min.bytes} (1)
 * @param fetchMaxBytes        {@code replica.fetch.max.bytes} (1048576): per partition
 * @param fetchResponseMaxBytes {@code replica.fetch.response.max.bytes} (10485760): per response
 * @param fetchBackoffMs       {@code replica.fetch.backoff.ms} (1000): pause after an error
 * @param socketTimeoutMs      {@code replica.socket.timeout.ms} (30000)
 */
public record FetcherConfig(int fetchMaxWaitMs, int fetchMinBytes, int fetchMaxBytes, int fetchResponseMaxBytes,
                            long fetchBackoffMs, int socketTimeoutMs) {
    public static FetcherConfig defaults() {
        return new FetcherConfig(500, 1, 1_048_576, 10_485_760, 1_000L, 30_000);
    }
}
