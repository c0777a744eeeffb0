package io.sluice.broker.tiering;

import io.sluice.broker.partition.RemoteLogReadFunction;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Limits the bytes this broker reads from remote storage for consumers to {@code remote.log.manager.fetch.max.bytes.per.second}
 * (KIP-956), so a consumer replaying history cannot take all of the broker's CPU and network from tail producers and
 * consumers. A token bucket holding at most one second of bytes: a read that finds the bucket empty is delayed until it
 * has refilled (at most {@value #MAX_DELAY_MS} ms, so the client never waits past its request timeout), then reads and
 * takes its bytes from the bucket (which may go negative: the next reads wait longer). Never blocks a thread.
 * Thread-safe.
 */
final class RemoteFetchQuota implements RemoteLogReadFunction {
    /** The longest a read is delayed, milliseconds. */
    static final long MAX_DELAY_MS = 500;

    private final RemoteLogReadFunction reads;
    private final long bytesPerSecond;
    private final Time time;
    private double tokens;
    private long refilledAtNanos;

    /**
     * @param bytesPerSecond the rate, bytes per second (&gt; 0)
     */
    RemoteFetchQuota(RemoteLogReadFunction reads, long bytesPerSecond, Time time) {
        this.reads = reads;
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.tokens = bytesPerSecond;
        this.refilledAtNanos = time.nanoseconds();
    }

    @Override
    public CompletableFuture<Records> read(TopicIdPartition partition, long fetchOffset, int maxBytes,
                                           boolean minOneMessage) {
        long delayMs = delayMs();
        CompletableFuture<Records> read = delayMs <= 0
                ? reads.read(partition, fetchOffset, maxBytes, minOneMessage)
                : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS))
                        .thenCompose(v -> reads.read(partition, fetchOffset, maxBytes, minOneMessage));
        return read.thenApply(records -> {
            take(records.sizeInBytes());
            return records;
        });
    }

    /** How long the next read must wait for the bucket to hold a byte again, milliseconds (0: at once). */
    synchronized long delayMs() {
        refill();
        if (tokens > 0) {
            return 0;
        }
        long ms = (long) Math.ceil((1 - tokens) * 1000.0 / bytesPerSecond);
        return Math.min(MAX_DELAY_MS, Math.max(1, ms));
    }

    synchronized void take(long bytes) {
        refill();
        tokens -= bytes;
    }

    private void refill() {
        long now = time.nanoseconds();
        tokens = Math.min(bytesPerSecond, tokens + (now - refilledAtNanos) * bytesPerSecond / 1e9);
        refilledAtNanos = now;
    }
}
