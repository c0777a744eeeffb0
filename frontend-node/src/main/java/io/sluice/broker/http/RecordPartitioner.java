package io.sluice.broker.http;

import org.apache.kafka.common.utils.Utils;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the partition of a record the client did not place, the way the Java producer would:
 * <ul>
 *   <li>a keyed record goes to {@code toPositive(murmur2(keyBytes)) % numPartitions}, the Java client's
 *       {@code BuiltInPartitioner.partitionForKey}, so HTTP and Kafka producers agree on where a key lives;</li>
 *   <li>a record without a key goes round-robin over the topic's partitions (Kafka's {@code RoundRobinPartitioner};
 *       the Java client's sticky batching buys nothing for one HTTP request).</li>
 * </ul>
 * Thread-safe.
 */
final class RecordPartitioner {
    private final Map<String, AtomicInteger> nextPartition = new ConcurrentHashMap<>();

    /**
     * @param requested     the partition the client asked for, or -1
     * @param key           the serialized key, or null
     * @throws HttpApiException 404 (40402) if {@code requested} is not a partition of the topic
     */
    int partition(String topic, int numPartitions, int requested, byte[] key) {
        if (requested >= 0) {
            if (requested >= numPartitions) {
                throw HttpApiException.partitionNotFound(topic, requested, numPartitions);
            }
            return requested;
        }
        if (key != null) {
            return partitionForKey(key, numPartitions);
        }
        int next = nextPartition.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
        return Utils.toPositive(next) % numPartitions;
    }

    /** @return the partition the Java producer's default partitioner picks for {@code key} */
    static int partitionForKey(byte[] key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key)) % numPartitions;
    }
}
