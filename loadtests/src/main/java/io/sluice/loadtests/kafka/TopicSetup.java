package io.sluice.loadtests.kafka;

import java.time.Duration;
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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topic look-ups a run makes once, before it starts, with Kafka's {@link Admin} client. */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * Returns the topic's partition count, creating the topic first if it does not exist
     * ({@code CreateTopics}; a concurrent creation by someone else, {@link TopicExistsException}, is fine).
     *
     * @param admin a connected admin client
     * @param topic topic name
     * @param partitions partitions for a new topic
     * @param replicationFactor replication factor for a new topic
     * @param timeout bound on each admin call
     * @return partitions of the existing or new topic
     * @throws ExecutionException with the broker's error (e.g. {@code InvalidReplicationFactorException},
     *     {@code TopicAuthorizationException}) as its cause
     * @throws TimeoutException if the broker does not answer within {@code timeout}
     */
    public static int ensureTopic(Admin admin, String topic, int partitions, short replicationFactor, Duration timeout)
        throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return describe(admin, topic, timeout);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)))
                .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created topic={} partitions={} replicationFactor={}", topic, partitions, replicationFactor);
            return partitions;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return describe(admin, topic, timeout);
            }
            throw e;
        }
    }

    /**
     * @param admin a connected admin client
     * @param topic topic name
     * @param partitions partition ids to look up
     * @param timeout bound on the call
     * @return each partition's log end offset ({@code ListOffsets} with {@link OffsetSpec#latest()}), keyed by id
     * @throws ExecutionException with the broker's error as its cause
     * @throws TimeoutException if the broker does not answer within {@code timeout}
     */
    public static Map<Integer, Long> logEndOffsets(Admin admin, String topic, List<Integer> partitions, Duration timeout)
        throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p : partitions) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> answer =
            admin.listOffsets(request).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<Integer, Long> offsets = new HashMap<>();
        answer.forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
        return offsets;
    }

    private static int describe(Admin admin, String topic, Duration timeout)
        throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        return description.partitions().size();
    }
}
