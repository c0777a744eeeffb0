package io.sluice.broker.partition;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.record.internal.Records;

import java.util.concurrent.CompletableFuture;

/**
 * Reads record batches of a partition from remote storage (tiered storage, KIP-405): implemented by the broker's
 * tiering layer, called for consumer fetches below the local log start offset.
 */
@FunctionalInterface
public interface RemoteLogReadFunction {
    /**
     * @param fetchOffset   first offset wanted; the first batch returned contains it
     * @param maxBytes      byte limit of the returned batches
     * @param minOneMessage return the first batch whole even if larger than {@code maxBytes}
     * @return whole batches exactly as stored; fails with the Kafka error to report (OFFSET_OUT_OF_RANGE,
     *         CORRUPT_MESSAGE, ...)
     */
    CompletableFuture<Records> read(TopicIdPartition partition, long fetchOffset, int maxBytes, boolean minOneMessage);
}
