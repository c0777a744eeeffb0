package io.sluice.broker.http;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.Node;

import java.util.Comparator;
import java.util.List;

/**
 * A consumer group, as Confluent's {@code ConsumerGroupData}: {@code kind} "KafkaConsumerGroup", {@code cluster_id},
 * {@code consumer_group_id}, {@code is_simple} (a group without members' protocol: only committed offsets),
 * {@code partition_assignor} (the assignor the members chose, e.g. "range"; "" while empty), {@code state}
 * (Kafka's group state: {@code STABLE}, {@code PREPARING_REBALANCE}, {@code COMPLETING_REBALANCE}, {@code EMPTY}),
 * {@code type} ({@code CLASSIC}), {@code is_mixed_consumer_group} (always false: Sluice runs only the classic
 * protocol), links to its {@code coordinator} broker, its {@code consumers} and its {@code lag_summary}; plus Sluice's
 * {@code coordinator_id} and, when the group is described alone, {@code consumer_details}: every member inline with
 * its assigned partitions.
 */
public record ConsumerGroupData(String kind, V3.ResourceMetadata metadata, String clusterId, String consumerGroupId,
                                boolean isSimple, String partitionAssignor, String state, String type,
                                boolean isMixedConsumerGroup, V3.Related coordinator, Integer coordinatorId,
                                V3.Related consumers, V3.Related lagSummary, List<ConsumerData> consumerDetails) {

    /** @param withConsumers whether to put the members inline ({@code consumer_details}) */
    static ConsumerGroupData of(ClusterScope scope, ConsumerGroupDescription group, boolean withConsumers) {
        ResourceUrls urls = scope.urls();
        String id = group.groupId();
        Node coordinator = group.coordinator();
        boolean known = coordinator != null && !coordinator.isEmpty();
        return new ConsumerGroupData("KafkaConsumerGroup",
                new V3.ResourceMetadata(urls.consumerGroup(id), urls.consumerGroupCrn(id)), scope.clusterId(), id,
                group.isSimpleConsumerGroup(), group.partitionAssignor(), group.groupState().name(),
                group.type().name(), false, known ? new V3.Related(urls.broker(coordinator.id())) : null,
                known ? coordinator.id() : null, new V3.Related(urls.consumers(id)),
                new V3.Related(urls.lagSummary(id)), withConsumers ? consumers(scope, group) : null);
    }

    /** @return the group's members as {@link ConsumerData}, by consumer id */
    static List<ConsumerData> consumers(ClusterScope scope, ConsumerGroupDescription group) {
        return group.members().stream()
                .sorted(Comparator.comparing(MemberDescription::consumerId))
                .map(member -> ConsumerData.of(scope, group.groupId(), member))
                .toList();
    }
}
