package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata (API key 3, versions 0 to 13): live brokers, cluster id, controller id, and for each requested topic
 * its topic ID and partitions (leader, leader epoch, replicas, ISR, offline replicas), served from the
 * watch-fed metadata cache without waiting on etcd.
 *
 * <p>Topic errors: UNKNOWN_TOPIC_OR_PARTITION (or UNKNOWN_TOPIC_ID when asked by id), INVALID_TOPIC_EXCEPTION
 * (an illegal name), LEADER_NOT_AVAILABLE (just auto-created). Partition errors: LEADER_NOT_AVAILABLE when the
 * leader is not live. Topics are auto-created only when {@code auto.create.topics.enable=true} and the client
 * allows it (v4+).
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final TopicAdmin topicAdmin;
    private final boolean autoCreateTopicsEnable;

    public MetadataHandler(TopicAdmin topicAdmin, boolean autoCreateTopicsEnable) {
        this.topicAdmin = topicAdmin;
        this.autoCreateTopicsEnable = autoCreateTopicsEnable;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequest request) {
        MetadataImage image = topicAdmin.image();
        MetadataRequestData data = request.data();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId().orElse(null))
                .setControllerId(topicAdmin.controllerId(image))
                .setClusterAuthorizedOperations(Integer.MIN_VALUE);
        for (BrokerRegistration broker : image.liveBrokers()) {
            response.brokers().add(new MetadataResponseBroker().setNodeId(broker.brokerId()).setHost(broker.host())
                    .setPort(broker.kafkaPort()).setRack(broker.rack().orElse(null)));
        }
        if (request.isAllTopics()) {
            image.topicsByName().values().stream().sorted(java.util.Comparator.comparing(TopicMetadata::name))
                    .forEach(topic -> response.topics().add(describe(topic, image)));
            return CompletableFuture.completedFuture(response);
        }
        List<CompletableFuture<?>> creations = new ArrayList<>();
        for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
            if (requested.name() == null && requested.topicId() != null && !requested.topicId().equals(Uuid.ZERO_UUID)) {
                response.topics().add(image.topic(requested.topicId()).map(t -> describe(t, image))
                        .orElseGet(() -> error(null, requested.topicId(), Errors.UNKNOWN_TOPIC_ID)));
                continue;
            }
            String name = requested.name();
            TopicMetadata topic = image.topic(name).orElse(null);
            if (topic != null) {
                response.topics().add(describe(topic, image));
            } else if (!isValidName(name)) {
                response.topics().add(error(name, Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION));
            } else if (autoCreateTopicsEnable && data.allowAutoTopicCreation()) {
                creations.add(topicAdmin.createTopicWithDefaults(name));
                response.topics().add(error(name, Uuid.ZERO_UUID, Errors.LEADER_NOT_AVAILABLE));
            } else {
                response.topics().add(error(name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
            }
        }
        // Auto-creation is answered with LEADER_NOT_AVAILABLE at once, as Kafka does; clients retry.
        return CompletableFuture.completedFuture(response);
    }

    private static boolean isValidName(String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static MetadataResponseTopic error(String name, Uuid topicId, Errors error) {
        return new MetadataResponseTopic().setName(name).setTopicId(topicId).setErrorCode(error.code())
                .setTopicAuthorizedOperations(Integer.MIN_VALUE);
    }

    private static MetadataResponseTopic describe(TopicMetadata topic, MetadataImage image) {
        MetadataResponseTopic out = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.topicId())
                .setIsInternal(Topic.isInternal(topic.name()))
                .setErrorCode(Errors.NONE.code())
                .setTopicAuthorizedOperations(Integer.MIN_VALUE);
        for (Map.Entry<Integer, PartitionState> entry : topic.partitions().entrySet()) {
            PartitionState state = entry.getValue();
            boolean leaderLive = state.hasLeader() && image.broker(state.leader()).isPresent();
            List<Integer> offline = state.replicas().stream().filter(r -> image.broker(r).isEmpty()).toList();
            out.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(entry.getKey())
                    .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setLeaderId(leaderLive ? state.leader() : -1)
                    .setLeaderEpoch(state.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(state.replicas()))
                    .setIsrNodes(new ArrayList<>(state.isr()))
                    .setOfflineReplicas(new ArrayList<>(offline)));
        }
        return out;
    }
}
