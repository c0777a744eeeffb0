package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.ConfigAlteration;
import io.sluice.metadata.config.TopicConfigDefs;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs (API key 44, versions 0 to 1; KIP-339): SET, DELETE, APPEND and SUBTRACT on topic
 * configs, applied as one compare-and-swap write per topic in etcd ({@code validate_only} checks without writing).
 * Brokers act on the new values through their metadata watch (segment size, retention, ...).
 *
 * <p>Per-resource errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG (unknown name, bad value, APPEND to a non-list),
 * INVALID_REQUEST (a name twice; BROKER resources: dynamic broker configs are not supported).
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final TopicAdmin topicAdmin;

    public IncrementalAlterConfigsHandler(TopicAdmin topicAdmin) {
        this.topicAdmin = topicAdmin;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
        for (AlterConfigsResource resource : request.data().resources()) {
            results.add(alter(resource, validateOnly)
                    .handle((v, error) -> new AlterConfigsResourceResponse()
                            .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                            .setErrorCode(error == null ? Errors.NONE.code() : ApiError.fromThrowable(error).error().code())
                            .setErrorMessage(error == null ? null : ApiError.fromThrowable(error).message())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
            results.forEach(r -> response.responses().add(r.join()));
            return response;
        });
    }

    private CompletableFuture<?> alter(AlterConfigsResource resource, boolean validateOnly) {
        try {
            if (ConfigResource.Type.forId(resource.resourceType()) != ConfigResource.Type.TOPIC) {
                throw new org.apache.kafka.common.errors.InvalidRequestException(
                        "Sluice supports altering TOPIC configs only; broker settings are static");
            }
            TopicMetadata topic = topicAdmin.image().topic(resource.resourceName())
                    .orElseThrow(() -> new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
                            "topic " + resource.resourceName() + " does not exist"));
            List<ConfigAlteration> alterations = resource.configs().stream()
                    .map(c -> new ConfigAlteration(c.name(), AlterConfigOp.OpType.forId(c.configOperation()), c.value()))
                    .toList();
            Map<String, Optional<String>> changes = TopicConfigDefs.incrementalChanges(topic.configOverrides(), alterations);
            if (validateOnly) {
                TopicConfigDefs.validateChange(topic.configOverrides(),
                        TopicConfigDefs.applyChanges(topic.configOverrides(), changes),
                        topicAdmin.brokerSettings());
                return CompletableFuture.completedFuture(null);
            }
            return topicAdmin.alterConfigs(topic.name(), changes);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
