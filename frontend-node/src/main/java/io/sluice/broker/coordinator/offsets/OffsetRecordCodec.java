package io.sluice.broker.coordinator.offsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.broker.coordinator.group.CommittedOffset;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The records Sluice writes to {@code __consumer_offsets}: one record per committed partition, keyed by
 * (group, topic, partition) so a compaction keeps the latest, with a JSON key and value (format version 1; readers
 * skip records of other versions or types). A record with a null value (a tombstone) deletes the offset (OffsetDelete,
 * DeleteGroups).
 *
 * <pre>
 * key:   {"v":1,"type":"offset","group":"orders-app","topic":"orders","partition":3}
 * value: {"v":1,"offset":1042,"leaderEpoch":5,"metadata":"","commitTimestamp":1700000000000}
 * </pre>
 *
 * Kafka's own records (binary {@code OffsetCommitKey}/{@code OffsetCommitValue}) are not used: no Kafka tool reads
 * this topic's records, and JSON keeps them inspectable with {@code kafka-console-consumer}.
 */
final class OffsetRecordCodec {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decoded record: the offset of (group, partition), or empty for a tombstone. */
    record OffsetRecord(String groupId, TopicPartition partition, Optional<CommittedOffset> offset) {
    }

    private OffsetRecordCodec() {
    }

    static byte[] key(String groupId, TopicPartition tp) {
        ObjectNode key = JSON.createObjectNode().put("v", VERSION).put("type", "offset").put("group", groupId)
                .put("topic", tp.topic()).put("partition", tp.partition());
        return bytes(key);
    }

    static byte[] value(CommittedOffset offset) {
        ObjectNode value = JSON.createObjectNode().put("v", VERSION).put("offset", offset.offset())
                .put("leaderEpoch", offset.leaderEpoch()).put("metadata", offset.metadata())
                .put("commitTimestamp", offset.commitTimestampMs());
        return bytes(value);
    }

    /** @return the record, or empty if it is not an offset record of a version this reader knows */
    static Optional<OffsetRecord> decode(ByteBuffer key, ByteBuffer value) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            JsonNode k = JSON.readTree(toArray(key));
            if (k.path("v").asInt() != VERSION || !"offset".equals(k.path("type").asText())) {
                return Optional.empty();
            }
            TopicPartition tp = new TopicPartition(k.path("topic").asText(), k.path("partition").asInt());
            String group = k.path("group").asText();
            if (value == null) {
                return Optional.of(new OffsetRecord(group, tp, Optional.empty()));
            }
            JsonNode v = JSON.readTree(toArray(value));
            if (v.path("v").asInt() != VERSION) {
                return Optional.empty();
            }
            return Optional.of(new OffsetRecord(group, tp, Optional.of(new CommittedOffset(v.path("offset").asLong(),
                    v.path("leaderEpoch").asInt(-1), v.path("metadata").asText(""),
                    v.path("commitTimestamp").asLong()))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
