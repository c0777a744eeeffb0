package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of an offset commit:
 * <pre>{"offsets": [{"topic_name": "orders", "partition_id": 0, "offset": 42, "metadata": "optional text"}]}</pre>
 * {@code offsets} is required and not empty; per entry {@code topic_name}, {@code partition_id} (&ge; 0) and
 * {@code offset} (&ge; 0: the next offset to consume) are required and {@code metadata} is optional (""). A partition
 * may appear once. Anything else is 400 (40001) naming the field.
 */
final class GroupCommitParser {
    private static final Set<String> BODY_FIELDS = Set.of("offsets");
    private static final Set<String> ENTRY_FIELDS = Set.of("topic_name", "partition_id", "offset", "metadata");

    private GroupCommitParser() {
    }

    /** @return the offsets to commit, in request order */
    static Map<TopicPartition, OffsetAndMetadata> parse(JsonNode body) {
        JsonFields.requireObject(body, "", BODY_FIELDS);
        List<JsonNode> entries = JsonFields.optionalArray(body, "", "offsets");
        if (entries.isEmpty()) {
            throw HttpApiException.malformed("offsets is required and must not be empty");
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String path = JsonFields.index("", "offsets", i);
            JsonNode entry = entries.get(i);
            JsonFields.requireObject(entry, path, ENTRY_FIELDS);
            String topic = JsonFields.requiredString(entry, path, "topic_name");
            int partition = JsonFields.optionalInt(entry, path, "partition_id", 0, Integer.MAX_VALUE)
                    .orElseThrow(() -> required(path, "partition_id"));
            long offset = JsonFields.optionalLong(entry, path, "offset", 0, Long.MAX_VALUE)
                    .orElseThrow(() -> required(path, "offset"));
            String metadata = JsonFields.optionalString(entry, path, "metadata").orElse("");
            TopicPartition tp = new TopicPartition(topic, partition);
            if (offsets.put(tp, new OffsetAndMetadata(offset, metadata)) != null) {
                throw HttpApiException.malformed(path + " names " + tp + " a second time");
            }
        }
        return offsets;
    }

    private static HttpApiException required(String path, String field) {
        return HttpApiException.malformed(JsonFields.join(path, field) + " is required");
    }
}
