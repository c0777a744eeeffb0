package io.sluice.broker.http;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A consumer group's committed offsets (Sluice's own resource; the same shape is the body of a commit):
 * <pre>{"cluster_id": "...", "consumer_group_id": "orders-app",
 *  "offsets": [{"topic_name": "orders", "partition_id": 0, "offset": 42, "leader_epoch": 3, "metadata": ""}]}</pre>
 *
 * @param offsets by topic and partition (a commit answers them in request order)
 */
public record GroupOffsetsData(String clusterId, String consumerGroupId, List<CommittedOffsetData> offsets) {

    /**
     * One committed offset.
     *
     * @param offset      the next offset the group will consume (exclusive end of what it processed)
     * @param leaderEpoch the leader epoch of the last consumed record (KIP-320), left out when unknown
     * @param metadata    the committer's metadata string, "" when none
     */
    public record CommittedOffsetData(String topicName, int partitionId, long offset, Integer leaderEpoch,
                                      String metadata) {
    }

    static GroupOffsetsData of(ClusterScope scope, String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        List<CommittedOffsetData> data = new ArrayList<>(offsets.size());
        offsets.forEach((tp, o) -> data.add(new CommittedOffsetData(tp.topic(), tp.partition(), o.offset(),
                o.leaderEpoch().orElse(null), o.metadata() == null ? "" : o.metadata())));
        return new GroupOffsetsData(scope.clusterId(), groupId, data);
    }
}
