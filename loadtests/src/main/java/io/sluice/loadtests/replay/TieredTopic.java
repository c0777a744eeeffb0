package io.sluice.loadtests.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The benchmark's topics, through Kafka's {@link Admin} client: creation with the tiered-storage topic configs,
 * the topic ID (which names the topic's objects in the store) and {@link TieringProgress} from {@code ListOffsets}.
 * Every call is bounded by the timeout given to the constructor; the admin client belongs to the caller.
 */
public final class TieredTopic {
    private final Admin admin;
    private final String topic;
    private final int partitions;
    private final Duration timeout;

    /**
     * @param admin a connected admin client
     * @param topic topic name
     * @param partitions its partition count
     * @param timeout bound on each admin call
     */
    public TieredTopic(Admin admin, String topic, int partitions, Duration timeout) {
        this.admin = admin;
        this.topic = topic;
        this.partitions = partitions;
        this.timeout = timeout;
    }

    /**
     * The topic configs of the replay topic: {@code remote.storage.enable=true} (KIP-405), the given
     * {@code segment.bytes} and {@code local.retention.bytes}, and no retention ({@code retention.ms} and
     * {@code retention.bytes} -1) so that the log start offset stays 0 and every record written is read back.
     *
     * @param segmentBytes {@code segment.bytes}
     * @param localRetentionBytes {@code local.retention.bytes}
     * @return the configs, by Kafka's names
     */
    public static Map<String, String> tieredConfigs(int segmentBytes, long localRetentionBytes) {
        return Map.of(
            TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, "true",
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(segmentBytes),
            TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, Long.toString(localRetentionBytes),
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    }

    /**
     * Creates the topic ({@code CreateTopics}).
     *
     * @param replicationFactor replication factor
     * @param configs topic configs
     * @throws ExecutionException with the broker's error as its cause: {@code TopicExistsException} if the topic
     *     exists (the benchmark wants a fresh topic), {@code InvalidConfigurationException} for a config the broker
     *     refuses (e.g. {@code remote.storage.enable} on a broker without tiered storage)
     * @throws TimeoutException if the broker does not answer in time
     */
    public void create(short replicationFactor, Map<String, String> configs)
        throws ExecutionException, InterruptedException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs)))
            .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * @return the topic's ID ({@code DescribeTopics}); the object store's keys contain it
     * @throws ExecutionException with the broker's error as its cause ({@code UnknownTopicOrPartitionException})
     * @throws TimeoutException if the broker does not answer in time
     */
    public Uuid topicId() throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic).topicId();
    }

    /**
     * @return the topic's partition count ({@code DescribeTopics})
     * @throws ExecutionException with the broker's error as its cause ({@code UnknownTopicOrPartitionException})
     * @throws TimeoutException if the broker does not answer in time
     */
    public int partitionCount() throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic).partitions().size();
    }

    /**
     * @return every partition's log end offset, local log start offset and highest tiered offset (three
     *     {@code ListOffsets} requests: {@code latest}, {@code earliestLocal}, {@code latestTiered})
     * @throws ExecutionException with the broker's error as its cause ({@code UnsupportedVersionException} if the
     *     broker does not support ListOffsets v9, KIP-1005)
     * @throws TimeoutException if the broker does not answer in time
     */
    public TieringProgress progress() throws ExecutionException, InterruptedException, TimeoutException {
        Map<Integer, Long> end = offsets(OffsetSpec.latest());
        Map<Integer, Long> localStart = offsets(OffsetSpec.earliestLocal());
        Map<Integer, Long> tiered = offsets(OffsetSpec.latestTiered());
        List<PartitionTiering> list = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            list.add(new PartitionTiering(p, end.get(p), localStart.get(p), tiered.getOrDefault(p, -1L)));
        }
        return new TieringProgress(list);
    }

    /**
     * @return each partition's log end offset ({@code OffsetSpec.latest()}: the high watermark), by partition id
     * @throws ExecutionException with the broker's error as its cause
     * @throws TimeoutException if the broker does not answer in time
     */
    public Map<Integer, Long> logEndOffsets() throws ExecutionException, InterruptedException, TimeoutException {
        return offsets(OffsetSpec.latest());
    }

    private Map<Integer, Long> offsets(OffsetSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), spec);
        }
        Map<TopicPartition, ListOffsetsResultInfo> answer =
            admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<Integer, Long> offsets = new HashMap<>();
        answer.forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
        return offsets;
    }
}
