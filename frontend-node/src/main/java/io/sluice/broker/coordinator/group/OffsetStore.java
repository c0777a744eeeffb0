package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a coordinator keeps committed offsets (Kafka keeps them in the compacted {@code __consumer_offsets} log).
 * The coordinator validates requests (member, generation, metadata size) and then calls this store; the store only
 * stores.
 *
 * <p>Threading: every method is called on the coordinator's event thread and must not block. Reads
 * ({@link #fetch}, {@link #groupsWithOffsets}) answer from memory; writes return futures that complete when the
 * write is durable, on any thread. A read issued after a write's future completed sees that write.
 *
 * <p>Errors: a write future completed exceptionally with a Kafka exception is mapped as Kafka maps failed
 * {@code __consumer_offsets} appends: {@code UnknownTopicOrPartitionException}, {@code NotEnoughReplicasException}
 * and {@code TimeoutException} become COORDINATOR_NOT_AVAILABLE; {@code NotLeaderOrFollowerException} and
 * {@code KafkaStorageException} become NOT_COORDINATOR; record-too-large errors become INVALID_COMMIT_OFFSET_SIZE for
 * commits and UNKNOWN_SERVER_ERROR otherwise; anything else passes through {@code Errors.forException}.
 */
public interface OffsetStore {
    /**
     * Stores committed offsets for a group, replacing earlier commits of the same partitions.
     *
     * @return per partition NONE or the error that partition's commit failed with (all partitions of the argument
     *         must be present)
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets);

    /**
     * @param partitions the partitions to read, or empty for every partition the group has a committed offset for
     * @return the committed offsets found; partitions without a commit are absent
     */
    Map<TopicPartition, CommittedOffset> fetch(String groupId, Optional<Collection<TopicPartition>> partitions);

    /**
     * Removes every committed offset of the group (DeleteGroups). A store that is also the
     * {@link GroupMetadataStore} removes the group's stored metadata in the same write, so a later coordinator loads
     * neither.
     */
    CompletableFuture<Void> deleteGroup(String groupId);

    /** Removes the committed offsets of some partitions of the group (OffsetDelete); absent ones are ignored. */
    CompletableFuture<Void> deleteOffsets(String groupId, Collection<TopicPartition> partitions);

    /** @return every group that has at least one committed offset in this store */
    Set<String> groupsWithOffsets();

    /** @return whether the group has at least one committed offset */
    default boolean hasOffsets(String groupId) {
        return !fetch(groupId, Optional.empty()).isEmpty();
    }
}
