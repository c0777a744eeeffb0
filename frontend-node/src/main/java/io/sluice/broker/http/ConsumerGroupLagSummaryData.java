package io.sluice.broker.http;

import java.util.Comparator;
import java.util.List;

/**
 * The lag of a whole consumer group, as Confluent's {@code ConsumerGroupLagSummaryData}: {@code kind}
 * "KafkaConsumerGroupLagSummary", {@code cluster_id}, {@code consumer_group_id}, {@code max_lag} and
 * {@code total_lag} over the partitions the group has committed offsets for, and where the largest lag is:
 * {@code max_lag_topic_name}, {@code max_lag_partition_id}, {@code max_lag_consumer_id}, {@code max_lag_instance_id},
 * {@code max_lag_client_id} ("" when no member has that partition), with links {@code max_lag_partition} and
 * {@code max_lag_consumer} (left out when no member has it). Of partitions with equal lag the first by topic and
 * partition is named.
 */
public record ConsumerGroupLagSummaryData(String kind, V3.ResourceMetadata metadata, String clusterId,
                                          String consumerGroupId, String maxLagConsumerId, String maxLagInstanceId,
                                          String maxLagClientId, String maxLagTopicName, int maxLagPartitionId,
                                          long maxLag, long totalLag, V3.Related maxLagConsumer,
                                          V3.Related maxLagPartition) {

    /** @param lags the group's per-partition lag, at least one, by topic and partition */
    static ConsumerGroupLagSummaryData of(ClusterScope scope, String groupId, List<ConsumerLagData> lags) {
        ResourceUrls urls = scope.urls();
        ConsumerLagData max = lags.stream().max(Comparator.comparingLong(ConsumerLagData::lag)
                .thenComparing(ConsumerLagData::topicName, Comparator.reverseOrder())
                .thenComparing(ConsumerLagData::partitionId, Comparator.reverseOrder())).orElseThrow();
        long total = lags.stream().mapToLong(ConsumerLagData::lag).sum();
        return new ConsumerGroupLagSummaryData("KafkaConsumerGroupLagSummary",
                new V3.ResourceMetadata(urls.lagSummary(groupId), urls.lagSummaryCrn(groupId)), scope.clusterId(),
                groupId, max.consumerId(), max.instanceId(), max.clientId(), max.topicName(), max.partitionId(),
                max.lag(), total, max.consumerId().isEmpty() ? null : new V3.Related(urls.consumer(groupId,
                max.consumerId())), new V3.Related(urls.partition(max.topicName(), max.partitionId())));
    }
}
