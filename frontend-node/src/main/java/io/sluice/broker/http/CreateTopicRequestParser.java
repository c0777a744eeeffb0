package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.metadata.NewTopicRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads Confluent's {@code CreateTopicRequest}:
 * <pre>{"topic_name": "orders", "partitions_count": 3, "replication_factor": 1,
 *  "configs": [{"name": "cleanup.policy", "value": "compact"}],
 *  "replicas_assignments": [{"partition_id": 0, "broker_ids": [1]}], "validate_only": false}</pre>
 * Only {@code topic_name} is required. A missing {@code partitions_count} or {@code replication_factor} means the
 * broker default ({@code num.partitions}, {@code default.replication.factor}; KIP-464's -1); a config with a null
 * value is left at its default. Names and values are checked by the metadata store with Kafka's rules, not here.
 */
final class CreateTopicRequestParser {
    private static final Set<String> FIELDS = Set.of("topic_name", "partitions_count", "replication_factor", "configs",
            "replicas_assignments", "validate_only");
    private static final Set<String> CONFIG_FIELDS = Set.of("name", "value");
    private static final Set<String> ASSIGNMENT_FIELDS = Set.of("partition_id", "broker_ids");

    /** A parsed create request. */
    record CreateTopic(NewTopicRequest request, boolean validateOnly) {
    }

    private CreateTopicRequestParser() {
    }

    /** @throws HttpApiException 400 (40001) for a malformed body */
    static CreateTopic parse(JsonNode body) {
        JsonFields.requireObject(body, "", FIELDS);
        String name = JsonFields.requiredString(body, "", "topic_name");
        int partitions = JsonFields.optionalInt(body, "", "partitions_count", 1, Integer.MAX_VALUE)
                .orElse(NewTopicRequest.USE_DEFAULT);
        int replicationFactor = JsonFields.optionalInt(body, "", "replication_factor", 1, Short.MAX_VALUE)
                .orElse(NewTopicRequest.USE_DEFAULT);
        Map<String, String> configs = configs(body);
        TreeMap<Integer, List<Integer>> assignments = assignments(body);
        boolean validateOnly = JsonFields.optionalBoolean(body, "", "validate_only").orElse(false);
        return new CreateTopic(new NewTopicRequest(name, partitions, (short) replicationFactor, assignments, configs),
                validateOnly);
    }

    private static Map<String, String> configs(JsonNode body) {
        Map<String, String> configs = new LinkedHashMap<>();
        List<JsonNode> entries = JsonFields.optionalArray(body, "", "configs");
        for (int i = 0; i < entries.size(); i++) {
            String path = JsonFields.index("", "configs", i);
            JsonNode entry = entries.get(i);
            JsonFields.requireObject(entry, path, CONFIG_FIELDS);
            String configName = JsonFields.requiredString(entry, path, "name");
            JsonFields.optional(entry, "value").ifPresent(value -> {
                if (!value.isValueNode()) {
                    throw HttpApiException.malformed(JsonFields.join(path, "value") + " must be a string");
                }
                if (configs.put(configName, value.asText()) != null) {
                    throw HttpApiException.malformed("config '" + configName + "' is given twice");
                }
            });
        }
        return configs;
    }

    private static TreeMap<Integer, List<Integer>> assignments(JsonNode body) {
        TreeMap<Integer, List<Integer>> assignments = new TreeMap<>();
        List<JsonNode> entries = JsonFields.optionalArray(body, "", "replicas_assignments");
        for (int i = 0; i < entries.size(); i++) {
            String path = JsonFields.index("", "replicas_assignments", i);
            JsonNode entry = entries.get(i);
            JsonFields.requireObject(entry, path, ASSIGNMENT_FIELDS);
            int partition = JsonFields.optionalInt(entry, path, "partition_id", 0, Integer.MAX_VALUE)
                    .orElseThrow(() -> HttpApiException.malformed(JsonFields.join(path, "partition_id") + " is required"));
            List<Integer> brokers = new ArrayList<>();
            List<JsonNode> ids = JsonFields.optionalArray(entry, path, "broker_ids");
            for (int j = 0; j < ids.size(); j++) {
                brokers.add((int) JsonFields.toLong(ids.get(j), JsonFields.index(path, "broker_ids", j), 0,
                        Integer.MAX_VALUE));
            }
            if (assignments.put(partition, brokers) != null) {
                throw HttpApiException.malformed("partition " + partition + " is assigned twice");
            }
        }
        return assignments;
    }
}
