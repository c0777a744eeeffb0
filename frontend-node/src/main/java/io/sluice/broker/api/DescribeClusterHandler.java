package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeCluster (API key 60, versions 0 to 2): cluster id, controller id and live brokers. Endpoint type 2
 * (controllers, KIP-919) is answered with UNSUPPORTED_ENDPOINT_TYPE: Sluice has no separate controller listener.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    private final TopicAdmin topicAdmin;

    public DescribeClusterHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData();
        if (request.data().endpointType() != 1) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Sluice serves only broker endpoints"));
        }
        MetadataImage image = topicAdmin.image();
        response.setErrorCode(Errors.NONE.code())
                .setClusterId(image.clusterId().orElse(""))
                .setControllerId(topicAdmin.controllerId(image))
                .setEndpointType((byte) 1)
                .setClusterAuthorizedOperations(Integer.MIN_VALUE);
        for (BrokerRegistration broker : image.liveBrokers()) {
            response.brokers().add(new DescribeClusterBroker().setBrokerId(broker.brokerId()).setHost(broker.host())
                    .setPort(broker.kafkaPort()).setRack(broker.rack().orElse(null)));
        }
        return CompletableFuture.completedFuture(response);
    }
}
