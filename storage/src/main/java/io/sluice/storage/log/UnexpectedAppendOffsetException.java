package io.sluice.storage.log;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A follower was asked to append batches starting below its log end offset (Kafka's exception of the same name).
 * The replication fetcher answers it by truncating or refetching; Kafka's protocol maps it to
 * UNKNOWN_SERVER_ERROR.
 */
public class UnexpectedAppendOffsetException extends RetriableException {
    private static final long serialVersionUID = 1L;
    private final long firstOffset;
    private final long lastOffset;

    public UnexpectedAppendOffsetException(String message, long firstOffset, long lastOffset) {
        super(message);
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
    }

    public long firstOffset() {
        return firstOffset;
    }

    public long lastOffset() {
        return lastOffset;
    }
}
