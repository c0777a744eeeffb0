package io.sluice.broker.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Topic administration shared by the Kafka admin APIs (CreateTopics, DeleteTopics, CreatePartitions,
 * IncrementalAlterConfigs) and the HTTP API. Writes go to etcd through the {@link MetadataStore}; every write
 * completes only after this broker's metadata cache has seen it, so a Metadata request that follows a successful
 * CreateTopics on the same broker sees the topic.
 *
 * <p>Errors arrive through the futures as Kafka exceptions (see {@link MetadataStore}): TopicExistsException,
 * InvalidTopicException, InvalidPartitionsException, InvalidReplicationFactorException,
 * InvalidConfigurationException, UnknownTopicOrPartitionException, TimeoutException (etcd unreachable).
 */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final MetadataStore store;
    private final Duration timeout;

    /** @param timeout bound on waiting for the local cache to see a write */
    public TopicAdmin(MetadataStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    /** @return the current metadata snapshot (never waits on etcd) */
    public MetadataImage image() {
        return store.cache().image();
    }

    /** @return the broker settings that act as topic config defaults */
    public Map<String, String> brokerSettings() {
        return store.config().brokerDefaults();
    }

    /**
     * @return the active controller's broker id (elected through etcd, see docs/controller.md), or -1 while there
     *         is none. Admin writes can go to any broker: they are etcd transactions.
     */
    public int controllerId(MetadataImage image) {
        return image.controllerId();
    }

    /**
     * Creates a topic (or, with {@code validateOnly}, checks that it could be created).
     *
     * @return the created topic as the cache sees it
     */
    public CompletableFuture<TopicMetadata> createTopic(NewTopicRequest request, boolean validateOnly) {
        List<io.sluice.metadata.BrokerRegistration> live = image().liveBrokers();
        if (validateOnly) {
            return store.validateCreateTopic(request, live);
        }
        return store.createTopic(request, live)
                .thenCompose(created -> awaitCache().thenApply(image -> image.topic(created.name()).orElse(created)))
                .whenComplete((topic, error) -> {
                    if (error == null) {
                        LOG.info("topic created name={} topicId={} partitions={} replicationFactor={}",
                                topic.name(), topic.topicId(), topic.partitionCount(), topic.replicationFactor());
                    }
                });
    }

    /** Creates a topic with the broker's defaults ({@code num.partitions}, {@code default.replication.factor}). */
    public CompletableFuture<TopicMetadata> createTopicWithDefaults(String name) {
        return createTopic(NewTopicRequest.of(name, NewTopicRequest.USE_DEFAULT, NewTopicRequest.USE_DEFAULT), false)
                .whenComplete((topic, error) -> {
                    if (error != null) {
                        LOG.debug("auto-creating topic {} failed: {}", name, error.toString());
                    }
                });
    }

    /** Deletes a topic; its partitions' logs are removed by every broker that hosts them. */
    public CompletableFuture<Void> deleteTopic(String name) {
        return store.deleteTopic(name).thenCompose(v -> awaitCache()).thenAccept(image ->
                LOG.info("topic deleted name={}", name));
    }

    /**
     * Raises a topic's partition count. Partitions never shrink (the seeds: "한번 늘린 파티션 수는 절대로 줄일 수
     * 없다"): a count not larger than today's gives InvalidPartitionsException.
     */
    public CompletableFuture<TopicMetadata> createPartitions(String topic, int newTotalCount,
                                                             List<List<Integer>> assignments, boolean validateOnly) {
        TopicMetadata current = image().topic(topic)
                .orElseThrow(() -> new UnknownTopicOrPartitionException("topic " + topic + " does not exist"));
        if (validateOnly) {
            if (newTotalCount <= current.partitionCount()) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.InvalidPartitionsException(
                        "topic " + topic + " has " + current.partitionCount() + " partitions; the new count "
                                + newTotalCount + " must be larger"));
            }
            return CompletableFuture.completedFuture(current);
        }
        return store.createPartitions(topic, newTotalCount, assignments, image().liveBrokers())
                .thenCompose(updated -> awaitCache().thenApply(image -> image.topic(topic).orElse(updated)));
    }

    /**
     * Sets ({@code Optional.of(value)}) or removes ({@code Optional.empty()}) topic config overrides.
     */
    public CompletableFuture<TopicMetadata> alterConfigs(String topic, Map<String, Optional<String>> setOrDelete) {
        return store.alterTopicConfigs(topic, setOrDelete)
                .thenCompose(updated -> awaitCache().thenApply(image -> image.topic(topic).orElse(updated)));
    }

    private CompletableFuture<MetadataImage> awaitCache() {
        return store.cache().awaitLatest(timeout);
    }
}
