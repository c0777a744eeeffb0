package io.sluice.metadata.controller;

import io.sluice.metadata.ControllerSession;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Carries out ElectLeaders requests on whichever broker receives them. Each partition is decided with
 * {@link PartitionChanges#electLeader} on this broker's metadata image and written with a compare-and-swap on the
 * partition state: through the controller session (fenced by the controller epoch) when this broker is the active
 * controller, otherwise directly through the store. A lost compare-and-swap (the controller or a leader changed the
 * partition meanwhile) waits for the cache to catch up and decides again, up to {@value #MAX_ATTEMPTS} times.
 * Because every write compares the partition's current state, an election can never overwrite a newer decision; the
 * active controller keeps checking the result against live brokers afterwards.
 */
final class ElectLeadersRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ElectLeadersRunner.class);
    static final int MAX_ATTEMPTS = 5;

    private final MetadataStore store;
    private final Supplier<Optional<ControllerSession>> activeSession;

    ElectLeadersRunner(MetadataStore store, Supplier<Optional<ControllerSession>> activeSession) {
        this.store = store;
        this.activeSession = activeSession;
    }

    /** See {@link Controller#electLeaders}. */
    CompletableFuture<Map<TopicPartition, ApiError>> run(ElectionType type, Collection<TopicPartition> partitions) {
        MetadataImage image = store.cache().image();
        Collection<TopicPartition> targets = partitions == null ? allPartitions(image) : partitions;
        Map<TopicPartition, CompletableFuture<ApiError>> results = new LinkedHashMap<>();
        for (TopicPartition partition : targets) {
            results.put(partition, electOne(type, partition, image, 1));
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<TopicPartition, ApiError> out = new LinkedHashMap<>();
            results.forEach((partition, result) -> out.put(partition, result.join()));
            return out;
        });
    }

    private static List<TopicPartition> allPartitions(MetadataImage image) {
        List<TopicPartition> all = new ArrayList<>();
        for (TopicMetadata topic : image.topicsByName().values()) {
            for (int p : topic.partitions().keySet()) {
                all.add(new TopicPartition(topic.name(), p));
            }
        }
        return all;
    }

    private CompletableFuture<ApiError> electOne(ElectionType type, TopicPartition partition, MetadataImage image,
                                                 int attempt) {
        Optional<TopicMetadata> topic = image.topic(partition.topic());
        Optional<PartitionState> current = topic.flatMap(t -> t.partition(partition.partition()));
        if (current.isEmpty()) {
            return CompletableFuture.completedFuture(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "No such partition as " + partition + "."));
        }
        ElectionResult decision = PartitionChanges.electLeader(current.get(), type, image.brokers()::containsKey);
        if (decision.next().isEmpty()) {
            return CompletableFuture.completedFuture(decision.error());
        }
        PartitionState next = decision.next().get();
        return write(topic.get(), partition.partition(), current.get(), next)
            .handle((written, error) -> {
                if (error == null && Boolean.TRUE.equals(written)) {
                    LOG.info("ElectLeaders {}: {} now led by broker {} (leader epoch {})", type, partition,
                        next.leader(), next.leaderEpoch());
                    return CompletableFuture.completedFuture(ApiError.NONE);
                }
                Throwable cause = error == null ? null : PartitionWorkQueue.unwrap(error);
                if (cause != null && !(cause instanceof NotControllerException)) {
                    return CompletableFuture.completedFuture(ApiError.fromThrowable(cause));
                }
                if (attempt >= MAX_ATTEMPTS) {
                    return CompletableFuture.completedFuture(new ApiError(Errors.REQUEST_TIMED_OUT,
                        "The state of " + partition + " kept changing during the election; try again."));
                }
                // a lost race (or this broker stopped being the controller): decide again on a fresh image
                return store.cache().awaitLatest(store.config().requestTimeout())
                    .thenCompose(fresh -> electOne(type, partition, fresh, attempt + 1))
                    .exceptionally(ApiError::fromThrowable);
            })
            .thenCompose(f -> f);
    }

    private CompletableFuture<Boolean> write(TopicMetadata topic, int partition, PartitionState expected,
                                             PartitionState next) {
        Optional<ControllerSession> session = activeSession.get();
        return session.isPresent()
            ? session.get().compareAndSetPartitionState(topic.topicId(), partition, expected, next)
            : store.compareAndSetPartitionState(topic.topicId(), partition, expected, next);
    }
}
