package io.sluice.broker.partition;

import io.sluice.broker.purgatory.DelayedOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An acks=all produce waiting until the high watermark of every appended partition passes its last offset, or
 * until {@code timeout_ms} expires (then the unreplicated partitions answer REQUEST_TIMED_OUT), as Kafka's
 * {@code DelayedProduce}.
 */
final class DelayedProduce extends DelayedOperation {
    private final Map<TopicPartition, ProduceResult> results;
    private final Map<TopicPartition, Long> requiredOffsets;
    private final Function<TopicPartition, Errors> replicationCheck;
    private final CompletableFuture<Map<TopicPartition, ProduceResult>> future;

    /**
     * @param results          the per-partition append results (errors already final)
     * @param requiredOffsets  partition → the high watermark it must reach (last appended offset + 1)
     * @param replicationCheck partition → NONE when replicated up to its required offset, REQUEST_TIMED_OUT while
     *                         waiting (never returned as final unless timed out), or another error to fail with
     */
    DelayedProduce(Map<TopicPartition, ProduceResult> results, Map<TopicPartition, Long> requiredOffsets,
                   Function<TopicPartition, Errors> replicationCheck,
                   CompletableFuture<Map<TopicPartition, ProduceResult>> future) {
        this.results = new LinkedHashMap<>(results);
        this.requiredOffsets = requiredOffsets;
        this.replicationCheck = replicationCheck;
        this.future = future;
    }

    @Override
    public boolean tryComplete() {
        for (TopicPartition tp : requiredOffsets.keySet()) {
            if (replicationCheck.apply(tp) == Errors.REQUEST_TIMED_OUT) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onComplete(boolean timedOut) {
        Map<TopicPartition, ProduceResult> finalResults = new LinkedHashMap<>(results);
        for (TopicPartition tp : requiredOffsets.keySet()) {
            Errors error = replicationCheck.apply(tp);
            if (error != Errors.NONE) {
                finalResults.put(tp, ProduceResult.failed(error, null));
            }
        }
        future.complete(finalResults);
    }
}
