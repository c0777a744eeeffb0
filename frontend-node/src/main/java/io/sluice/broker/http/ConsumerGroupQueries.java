package io.sluice.broker.http;

import io.sluice.broker.coordinator.lag.AdminLogEndOffsets;
import io.sluice.broker.coordinator.lag.HighWatermarks;
import io.sluice.broker.coordinator.lag.KafkaFutures;
import io.sluice.broker.coordinator.lag.LocalAdmin;
import io.sluice.broker.coordinator.lag.LogEndOffsets;
import io.sluice.broker.coordinator.lag.PartitionLag;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The consumer group questions of the HTTP API, asked through the Kafka Admin client on this broker's own listener
 * ({@link LocalAdmin}): the group's coordinator may be any broker, and the Admin finds it as
 * {@code kafka-consumer-groups} does. Every method returns at once; its future completes on the Admin's network
 * thread (callers hop to their own pool for slow work).
 *
 * <p>Errors are Kafka's exceptions from the Admin, mapped by {@link ErrorMapper}: GroupIdNotFoundException (404),
 * TimeoutException and other retriable errors (503), UnknownTopicOrPartitionException (404). Without an Admin
 * client every call fails with 503.
 */
final class ConsumerGroupQueries {
    private final LocalAdmin admin;
    private final LogEndOffsets logEndOffsets;

    /** A group's description with its lag per committed partition (partitions that no longer exist left out). */
    record GroupLag(ConsumerGroupDescription group, List<PartitionLag> partitions) {
    }

    /**
     * @param admin    the Admin client, or null when the broker has none (every call answers 503)
     * @param metadata this broker's metadata (partitions it does not know are not asked for)
     */
    ConsumerGroupQueries(LocalAdmin admin, Supplier<MetadataImage> metadata) {
        this.admin = admin;
        this.logEndOffsets = admin == null ? null : new AdminLogEndOffsets(admin,
                Duration.ofMillis(LocalAdmin.API_TIMEOUT_MS), tp -> metadata.get().partition(tp).isPresent());
    }

    /**
     * @return every consumer group of the cluster (classic and consumer types, simple groups included), by id; a
     *         group deleted between listing and describing is left out
     */
    CompletableFuture<List<ConsumerGroupDescription>> listGroups() {
        return withAdmin(a -> from(a.listGroups(ListGroupsOptions.forConsumerGroups()).all()).thenCompose(listings -> {
            List<String> ids = listings.stream().map(GroupListing::groupId).distinct().sorted().toList();
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(List.<ConsumerGroupDescription>of());
            }
            Map<String, KafkaFuture<ConsumerGroupDescription>> described =
                    a.describeConsumerGroups(ids).describedGroups();
            List<CompletableFuture<Optional<ConsumerGroupDescription>>> each = ids.stream()
                    .map(id -> from(described.get(id)).handle(ConsumerGroupQueries::unlessGone))
                    .toList();
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(v -> each.stream()
                    .map(CompletableFuture::join)
                    .flatMap(Optional::stream)
                    .filter(group -> group.groupState() != GroupState.DEAD)
                    .toList());
        }));
    }

    private static Optional<ConsumerGroupDescription> unlessGone(ConsumerGroupDescription group, Throwable failure) {
        if (failure == null) {
            return Optional.of(group);
        }
        if (ErrorMapper.unwrap(failure) instanceof GroupIdNotFoundException) {
            return Optional.empty();
        }
        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
    }

    /**
     * @return the group's state, coordinator and members
     * @throws GroupIdNotFoundException (in the future) if the cluster has no such group
     */
    CompletableFuture<ConsumerGroupDescription> describe(String groupId) {
        return withAdmin(a -> from(a.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId))
                .thenApply(group -> {
                    if (group.groupState() == GroupState.DEAD) {
                        throw new GroupIdNotFoundException("consumer group '" + groupId + "' does not exist");
                    }
                    return group;
                }));
    }

    /** @return the group's committed offsets, by topic and partition; empty for a group without commits */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committedOffsets(String groupId) {
        return withAdmin(a -> from(a.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata())
                .thenApply(ConsumerGroupQueries::withoutMissing));
    }

    /** @return the group's committed offset of one partition, empty if it has none */
    CompletableFuture<Optional<OffsetAndMetadata>> committedOffset(String groupId, TopicPartition tp) {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp));
        return withAdmin(a -> from(a.listConsumerGroupOffsets(Map.of(groupId, spec))
                .partitionsToOffsetAndMetadata(groupId))
                .thenApply(offsets -> Optional.ofNullable(offsets.get(tp))));
    }

    /**
     * Commits offsets for the group as Kafka's {@code Admin.alterConsumerGroupOffsets} does (OffsetCommit with
     * generation -1 and no member id). Kafka accepts it only while the group has no active members; otherwise the
     * future fails with UnknownMemberIdException.
     */
    CompletableFuture<Void> commit(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        return withAdmin(a -> from(a.alterConsumerGroupOffsets(groupId, offsets).all()));
    }

    /**
     * Computes the group's lag as Confluent REST Proxy does: for every partition with a committed offset, the
     * partition's high watermark (one {@code Admin.listOffsets} call) minus the committed offset.
     *
     * @throws GroupIdNotFoundException (in the future) if the cluster has no such group;
     *         {@link HttpApiException} 404 (40407) if it has no committed offsets
     */
    CompletableFuture<GroupLag> lag(String groupId) {
        return describe(groupId).thenCombine(committedOffsets(groupId), (group, committed) -> {
            if (committed.isEmpty()) {
                throw new HttpApiException(404, HttpApiException.NO_COMMITTED_OFFSET, null,
                        "consumer group '" + groupId + "' has no committed offsets");
            }
            return new Committed(group, committed);
        }).thenCompose(c -> logEndOffsets.highWatermarks(c.offsets().keySet()).thenApply(ends -> {
            ends.firstFailure().ifPresent(failure -> {
                throw failure instanceof RuntimeException re ? re : new CompletionException(failure);
            });
            return new GroupLag(c.group(), lags(c.offsets(), ends));
        }));
    }

    /** A group and its committed offsets, read together. */
    private record Committed(ConsumerGroupDescription group, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    private static List<PartitionLag> lags(Map<TopicPartition, OffsetAndMetadata> committed, HighWatermarks ends) {
        List<PartitionLag> lags = new ArrayList<>();
        committed.forEach((tp, offset) -> ends.highWatermark(tp)
                .ifPresent(end -> lags.add(new PartitionLag(tp, offset.offset(), end))));
        lags.sort(Comparator.comparing(PartitionLag::partition, PartitionLag.PARTITION_ORDER));
        return lags;
    }

    /** The Admin reports partitions without a commit (offset -1) as null values. */
    private static Map<TopicPartition, OffsetAndMetadata> withoutMissing(Map<TopicPartition, OffsetAndMetadata> all) {
        Map<TopicPartition, OffsetAndMetadata> present = new TreeMap<>(PartitionLag.PARTITION_ORDER);
        all.forEach((tp, offset) -> {
            if (offset != null) {
                present.put(tp, offset);
            }
        });
        return present;
    }

    private <T> CompletableFuture<T> withAdmin(Function<Admin, CompletableFuture<T>> call) {
        if (admin == null) {
            return CompletableFuture.failedFuture(new HttpApiException(503, HttpApiException.RETRIABLE, null,
                    "the consumer group API is not available: this broker has no Admin client"));
        }
        return admin.get().thenCompose(call);
    }

    private static <T> CompletableFuture<T> from(KafkaFuture<T> future) {
        return KafkaFutures.toCompletableFuture(future);
    }
}
