package io.sluice.broker.api;

import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.broker.config.TopicConfigs;
import io.sluice.broker.protocol.ApiHandler;
import io.sluice.broker.protocol.RequestContext;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.config.ConfigEntryView;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs (API key 32, versions 1 to 4).
 *
 * <p>TOPIC resources: every supported topic config with its effective value and source (TOPIC_CONFIG for an
 * override, STATIC_BROKER_CONFIG for a broker {@code log.*} default, DEFAULT_CONFIG otherwise), synonyms (KIP-226)
 * and, from v3, type and documentation (KIP-569). BROKER resources (this broker's id, or "" for cluster defaults):
 * the broker's static settings. Errors per resource: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (another broker's
 * id or an unsupported resource type).
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final TopicAdmin topicAdmin;
    private final TopicConfigs topicConfigs;
    private final BrokerConfig brokerConfig;

    public DescribeConfigsHandler(TopicAdmin topicAdmin, TopicConfigs topicConfigs, BrokerConfig brokerConfig) {
        this.topicAdmin = topicAdmin;
        this.topicConfigs = topicConfigs;
        this.brokerConfig = brokerConfig;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeConfigsRequest request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        boolean synonyms = request.data().includeSynonyms();
        boolean documentation = request.data().includeDocumentation();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            if (type == ConfigResource.Type.TOPIC) {
                Optional<TopicMetadata> topic = topicAdmin.image().topic(resource.resourceName());
                if (topic.isEmpty()) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage("topic " + resource.resourceName() + " does not exist");
                } else {
                    for (ConfigEntryView entry : topicConfigs.resolve(topic.get()).describeAll()) {
                        if (wanted(resource.configurationKeys(), entry.name())) {
                            result.configs().add(toResult(entry, synonyms, documentation));
                        }
                    }
                }
            } else if (type == ConfigResource.Type.BROKER && isThisBroker(resource.resourceName())) {
                brokerEntries(resource.configurationKeys()).forEach(result.configs()::add);
            } else {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(
                        "unsupported resource " + type + " '" + resource.resourceName() + "' on broker " + brokerConfig.nodeId());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private boolean isThisBroker(String name) {
        return name.isEmpty() || name.equals(Integer.toString(brokerConfig.nodeId()));
    }

    private static boolean wanted(List<String> keys, String name) {
        return keys == null || keys.isEmpty() || keys.contains(name);
    }

    private List<DescribeConfigsResourceResult> brokerEntries(List<String> keys) {
        Map<String, String> sorted = new TreeMap<>(brokerConfig.originals());
        return sorted.entrySet().stream().filter(e -> wanted(keys, e.getKey()))
                .map(e -> new DescribeConfigsResourceResult().setName(e.getKey()).setValue(e.getValue())
                        .setReadOnly(true).setConfigSource(ConfigSource.STATIC_BROKER_CONFIG.id())
                        .setIsSensitive(false).setConfigType(ConfigType.STRING.id()))
                .toList();
    }

    private static DescribeConfigsResourceResult toResult(ConfigEntryView entry, boolean synonyms, boolean documentation) {
        DescribeConfigsResourceResult result = new DescribeConfigsResourceResult()
                .setName(entry.name())
                .setValue(entry.value())
                .setReadOnly(entry.readOnly())
                .setConfigSource(entry.source().id())
                .setIsSensitive(entry.sensitive())
                .setConfigType(entry.type().id())
                .setDocumentation(documentation ? entry.documentation() : null);
        if (synonyms) {
            entry.synonyms().forEach(s -> result.synonyms().add(new DescribeConfigsSynonym().setName(s.name())
                    .setValue(s.value()).setSource(s.source().id())));
        }
        return result;
    }
}
