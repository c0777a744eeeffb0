package io.sluice.broker.coordinator.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@link LogEndOffsets} through one {@link Admin#listOffsets} call per read ({@link OffsetSpec#latest()},
 * READ_UNCOMMITTED): the Admin sends one ListOffsets request to each partition leader and answers each partition's
 * high watermark, as {@code kafka-consumer-groups --describe} reads LOG-END-OFFSET.
 *
 * <p>Partitions that do not exist end in {@link HighWatermarks#unknown()}. Those this broker's metadata does not know
 * (a deleted topic, a partition index past the topic's count) are not asked for: the Admin would retry them until
 * the timeout, as its metadata may still list a topic just deleted. Partitions still failing when the timeout passes
 * end in {@link HighWatermarks#failed()}.
 */
public final class AdminLogEndOffsets implements LogEndOffsets {
    private final LocalAdmin admin;
    private final Duration timeout;
    private final Predicate<TopicPartition> exists;

    /**
     * @param admin   the Admin client to ask
     * @param timeout how long one read may take, retries (leader elections) included
     * @param exists  whether this broker's metadata knows the partition (e.g. {@code tp ->
     *                image.partition(tp).isPresent()}); must answer from memory
     */
    public AdminLogEndOffsets(LocalAdmin admin, Duration timeout, Predicate<TopicPartition> exists) {
        this.admin = admin;
        this.timeout = timeout;
        this.exists = exists;
    }

    @Override
    public CompletableFuture<HighWatermarks> highWatermarks(Collection<TopicPartition> partitions) {
        Set<TopicPartition> wanted = new LinkedHashSet<>();
        Set<TopicPartition> unknown = new HashSet<>();
        partitions.forEach(tp -> (exists.test(tp) ? wanted : unknown).add(tp));
        if (wanted.isEmpty()) {
            return CompletableFuture.completedFuture(new HighWatermarks(Map.of(), unknown, Map.of()));
        }
        return admin.get().thenCompose(client -> read(client, wanted, unknown));
    }

    private CompletableFuture<HighWatermarks> read(Admin client, Set<TopicPartition> wanted,
                                                   Set<TopicPartition> unknown) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        wanted.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        ListOffsetsResult result = client.listOffsets(specs,
                new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED).timeoutMs((int) timeout.toMillis()));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, Throwable> failed = new HashMap<>();
        List<CompletableFuture<Void>> each = wanted.stream()
                .map(tp -> KafkaFutures.toCompletableFuture(result.partitionResult(tp))
                        .handle((info, error) -> {
                            synchronized (offsets) {
                                if (error == null) {
                                    offsets.put(tp, info.offset());
                                } else if (error instanceof UnknownTopicOrPartitionException) {
                                    unknown.add(tp);
                                } else {
                                    failed.put(tp, error);
                                }
                            }
                            return (Void) null;
                        }))
                .toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> {
            synchronized (offsets) {
                return new HighWatermarks(offsets, unknown, failed);
            }
        });
    }
}
