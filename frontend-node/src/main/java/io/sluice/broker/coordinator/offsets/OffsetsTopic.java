package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The internal {@code __consumer_offsets} topic, as Kafka has it: its partitions hold the committed offsets, and the
 * leader of partition {@link #partitionFor(String)} of a group is that group's coordinator. Leadership (and its
 * failover within seconds when a broker dies) therefore comes from the controller's partition leader election, and
 * durability from replication to the ISR (acks=all), like any other partition.
 *
 * <p>Settings (Kafka's broker configs): {@code offsets.topic.num.partitions} (default 50),
 * {@code offsets.topic.replication.factor} (default 3; Sluice caps it at the number of registered brokers when the
 * topic is created, so a one-broker dev cluster works), {@code offsets.topic.segment.bytes} (default 100 MiB). The
 * topic has {@code cleanup.policy=compact}, {@code retention.ms=-1} and {@code remote.storage.enable=false}.
 *
 * <p>Sluice does not compact logs; instead the coordinator bounds each partition with snapshots
 * ({@code OffsetsSnapshotWriter}): {@code offsets.snapshot.min.records} (Sluice's own setting, default 10000, at
 * least 1) is the fewest records a partition holds before a snapshot is written; a snapshot is due when the
 * partition holds more than {@code max(offsets.snapshot.min.records, 4 × its live keys)} records.
 *
 * <p>Created on first use (FindCoordinator for a group), as Kafka does.
 */
public final class OffsetsTopic {
    public static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;
    public static final String NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String SNAPSHOT_MIN_RECORDS = "offsets.snapshot.min.records";
    public static final long DEFAULT_SNAPSHOT_MIN_RECORDS = 10_000;

    private final int partitions;
    private final short replicationFactor;
    private final int segmentBytes;
    private final long snapshotMinRecords;
    private final TopicAdmin admin;
    private final Supplier<MetadataImage> image;

    /**
     * @param brokerSettings the broker's settings (Kafka names above)
     */
    public OffsetsTopic(Map<String, String> brokerSettings, TopicAdmin admin, Supplier<MetadataImage> image) {
        this.partitions = Integer.parseInt(brokerSettings.getOrDefault(NUM_PARTITIONS, "50"));
        this.replicationFactor = Short.parseShort(brokerSettings.getOrDefault(REPLICATION_FACTOR, "3"));
        this.segmentBytes = Integer.parseInt(brokerSettings.getOrDefault(SEGMENT_BYTES, Integer.toString(100 << 20)));
        this.snapshotMinRecords = Long.parseLong(brokerSettings.getOrDefault(SNAPSHOT_MIN_RECORDS,
                Long.toString(DEFAULT_SNAPSHOT_MIN_RECORDS)));
        if (partitions < 1 || replicationFactor < 1 || snapshotMinRecords < 1) {
            throw new org.apache.kafka.common.config.ConfigException(NUM_PARTITIONS + ", " + REPLICATION_FACTOR
                    + " and " + SNAPSHOT_MIN_RECORDS + " must be at least 1");
        }
        this.admin = admin;
        this.image = image;
    }

    /**
     * The partition holding {@code groupId}'s offsets (Kafka's rule: {@code Utils.abs(groupId.hashCode()) %
     * partitions}, so a Kafka operator's expectations about which partition holds a group carry over).
     * Uses the topic's actual partition count when it exists.
     */
    public int partitionFor(String groupId) {
        int count = image.get().topic(NAME).map(TopicMetadata::partitionCount).orElse(partitions);
        return Utils.abs(groupId.hashCode()) % count;
    }

    /** {@code offsets.snapshot.min.records}: the fewest records a partition holds before a snapshot is written. */
    public long snapshotMinRecords() {
        return snapshotMinRecords;
    }

    /** The topic as the metadata cache sees it, if created. */
    public Optional<TopicMetadata> metadata() {
        return image.get().topic(NAME);
    }

    /** Creates the topic if it does not exist yet (concurrent creators are fine: the loser sees TopicExists). */
    public CompletableFuture<TopicMetadata> ensureCreated() {
        Optional<TopicMetadata> existing = metadata();
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing.get());
        }
        int live = Math.max(1, image.get().liveBrokers().size());
        short rf = (short) Math.min(replicationFactor, live);
        Map<String, String> configs = new TreeMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        configs.put(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, "false");
        configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(segmentBytes));
        NewTopicRequest request = new NewTopicRequest(NAME, partitions, rf, new TreeMap<>(), configs);
        return admin.createTopic(request, false).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TopicExistsException) {
                return admin.image().topic(NAME).map(CompletableFuture::completedFuture)
                        .orElseGet(() -> CompletableFuture.failedFuture(cause));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
