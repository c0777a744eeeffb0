package io.sluice.broker.coordinator.group;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Persists group metadata through the {@link GroupMetadataStore} and brings the outcome back to the coordinator's
 * event loop, where the caller decides what the write means (answer the parked SyncGroups, revert a static member,
 * or only log). The outcome is the client-facing error: NONE, or the failed write mapped as Kafka maps failed group
 * metadata appends ({@link StoreErrors}, never INVALID_COMMIT_OFFSET_SIZE).
 *
 * <p>Because the outcome runs as a later event-loop task, the group may have changed meanwhile (another rebalance,
 * resignation): callers check that the group and generation they wrote for are still current.
 */
final class GroupMetadataWriter {
    private static final Logger log = LoggerFactory.getLogger(GroupMetadataWriter.class);

    private final GroupMetadataStore store;
    private final Executor loop;

    GroupMetadataWriter(GroupMetadataStore store, Executor loop) {
        this.store = store;
        this.loop = loop;
    }

    /**
     * Stores the group as it is now, with {@code assignment} as the members' assignments.
     *
     * @param then runs on the event loop once the write is durable (NONE) or failed (the client error)
     */
    void store(ClassicGroup group, Map<String, byte[]> assignment, Consumer<Errors> then) {
        CompletableFuture<Void> write;
        try {
            write = store.storeGroup(group.metadata(assignment));
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenCompleteAsync((ignored, failure) -> {
            Errors error = failure == null ? Errors.NONE : StoreErrors.toClientError(failure, false);
            if (failure != null) {
                log.warn("Storing metadata of group {} (generation {}) failed: {}", group.groupId(),
                        group.generationId(), StoreErrors.unwrap(failure).toString());
            }
            then.accept(error);
        }, loop);
    }
}
