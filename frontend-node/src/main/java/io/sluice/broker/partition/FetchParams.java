package io.sluice.broker.partition;

import org.apache.kafka.common.IsolationLevel;

/**
 * Request-wide fetch parameters (the Kafka Fetch API's top-level fields).
 *
 * @param replicaId       -1 for consumers; a broker id for follower replication (the replication issue)
 * @param maxWaitMs       how long to wait for {@code minBytes}, in milliseconds
 * @param minBytes        respond as soon as this many bytes are available
 * @param maxBytes        upper bound on the response's record bytes (the first batch is sent whole even if larger)
 * @param isolationLevel  READ_UNCOMMITTED or READ_COMMITTED (equal here: Sluice has no transactions, so the last
 *                        stable offset is the high watermark)
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolationLevel) {
    /** @return true if a follower broker sent this fetch (it may read up to the log end offset) */
    public boolean isFromFollower() {
        return replicaId >= 0;
    }
}
