package io.sluice.broker.coordinator.offsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The records Sluice writes to {@code __consumer_offsets}, with a JSON key and value (format version 1; readers skip
 * records of other versions or types). Keys are chosen so that a compaction keeps the latest record per key, and a
 * record with a null value (a tombstone) deletes what its key names. Two record types, as Kafka has
 * ({@code OffsetCommitKey/Value} and {@code GroupMetadataKey/Value}):
 *
 * <ul>
 *   <li><b>offset</b>: one record per committed partition, keyed by (group, topic, partition); a tombstone deletes
 *       the committed offset (OffsetDelete, DeleteGroups).
 * <pre>
 * key:   {"v":1,"type":"offset","group":"orders-app","topic":"orders","partition":3}
 * value: {"v":1,"offset":1042,"leaderEpoch":5,"metadata":"","commitTimestamp":1700000000000}
 * </pre></li>
 *   <li><b>group</b>: the group's membership (generation, protocol, leader, members with their subscriptions and
 *       assignments), keyed by group; value format in {@link GroupMetadataJson}; a tombstone deletes the group
 *       (DeleteGroups).
 * <pre>
 * key:   {"v":1,"type":"group","group":"orders-app"}
 * value: {"v":1,"protocolType":"consumer","generation":4,"protocol":"range","leader":"...","members":[...]}
 * </pre></li>
 * </ul>
 *
 * <p><b>Snapshot records</b> ({@code OffsetsSnapshotWriter}): a value may carry the optional field {@code "at"}, the
 * log offset of the record it copies (the format stays version 1; a reader that does not know the field ignores it).
 * A record's <i>source offset</i> is its {@code at} when present, else its own log offset; a loader applies a record
 * only if its source offset is at least that of what it already holds for the key ({@link OffsetsPartitionReader}).
 * Tombstones never carry {@code at}: a snapshot copies only live keys.
 *
 * <p>Kafka's own binary records are not used: no Kafka tool reads this topic's records, and JSON keeps them
 * inspectable with {@code kafka-console-consumer}.
 */
final class OffsetRecordCodec {
    static final int VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(OffsetRecordCodec.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFSET_TYPE = "offset";
    private static final String GROUP_TYPE = "group";
    private static final String AT = "at";

    /** A decoded record of {@code __consumer_offsets}. */
    sealed interface CoordinatorRecord permits OffsetRecord, GroupRecord {
        String groupId();

        /** The {@code at} field of a snapshot record: the log offset of the record it copies; empty otherwise. */
        OptionalLong at();

        /** @return this record's source offset, given the log offset it was read at */
        default long sourceOffset(long logOffset) {
            return at().orElse(logOffset);
        }
    }

    /** The committed offset of (group, partition), or empty for a tombstone. */
    record OffsetRecord(String groupId, TopicPartition partition, Optional<CommittedOffset> offset, OptionalLong at)
            implements CoordinatorRecord {
        OffsetRecord(String groupId, TopicPartition partition, Optional<CommittedOffset> offset) {
            this(groupId, partition, offset, OptionalLong.empty());
        }
    }

    /** The group's metadata, or empty for a tombstone (the group was deleted). */
    record GroupRecord(String groupId, Optional<GroupMetadata> metadata, OptionalLong at)
            implements CoordinatorRecord {
        GroupRecord(String groupId, Optional<GroupMetadata> metadata) {
            this(groupId, metadata, OptionalLong.empty());
        }
    }

    private OffsetRecordCodec() {
    }

    static byte[] key(String groupId, TopicPartition tp) {
        ObjectNode key = JSON.createObjectNode().put("v", VERSION).put("type", OFFSET_TYPE).put("group", groupId)
                .put("topic", tp.topic()).put("partition", tp.partition());
        return bytes(key);
    }

    static byte[] value(CommittedOffset offset) {
        return value(offset, OptionalLong.empty());
    }

    /**
     * @param at for a snapshot record, the log offset of the record it copies
     */
    static byte[] value(CommittedOffset offset, OptionalLong at) {
        ObjectNode value = JSON.createObjectNode().put("v", VERSION).put("offset", offset.offset())
                .put("leaderEpoch", offset.leaderEpoch()).put("metadata", offset.metadata())
                .put("commitTimestamp", offset.commitTimestampMs());
        at.ifPresent(a -> value.put(AT, a));
        return bytes(value);
    }

    /** @return the key of {@code groupId}'s group metadata record */
    static byte[] groupKey(String groupId) {
        return bytes(JSON.createObjectNode().put("v", VERSION).put("type", GROUP_TYPE).put("group", groupId));
    }

    /** @return the value of a group metadata record */
    static byte[] groupValue(GroupMetadata group) {
        return groupValue(group, OptionalLong.empty());
    }

    /**
     * @param at for a snapshot record, the log offset of the record it copies
     * @return the value of a group metadata record
     */
    static byte[] groupValue(GroupMetadata group, OptionalLong at) {
        ObjectNode value = GroupMetadataJson.encode(JSON, group);
        at.ifPresent(a -> value.put(AT, a));
        return bytes(value);
    }

    /**
     * @return the record, or empty if it is not a record of a type and version this reader knows, or does not parse
     *         (logged)
     */
    static Optional<CoordinatorRecord> decode(ByteBuffer key, ByteBuffer value) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            JsonNode k = JSON.readTree(toArray(key));
            if (k.path("v").asInt() != VERSION) {
                return Optional.empty();
            }
            String type = k.path("type").asText();
            String group = k.path("group").asText();
            JsonNode v = value == null ? null : JSON.readTree(toArray(value));
            if (v != null && v.path("v").asInt() != VERSION) {
                return Optional.empty();
            }
            return switch (type) {
                case OFFSET_TYPE -> Optional.of(offsetRecord(group, k, v));
                case GROUP_TYPE -> Optional.of(new GroupRecord(group,
                        v == null ? Optional.empty() : Optional.of(GroupMetadataJson.decode(group, v)), at(v)));
                default -> Optional.empty();
            };
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("skipping a {} record that does not parse: {}", OffsetsTopic.NAME, e.toString());
            return Optional.empty();
        }
    }

    private static OffsetRecord offsetRecord(String group, JsonNode k, JsonNode v) {
        TopicPartition tp = new TopicPartition(k.path("topic").asText(), k.path("partition").asInt());
        if (v == null) {
            return new OffsetRecord(group, tp, Optional.empty());
        }
        return new OffsetRecord(group, tp, Optional.of(new CommittedOffset(v.path("offset").asLong(),
                v.path("leaderEpoch").asInt(-1), v.path("metadata").asText(""), v.path("commitTimestamp").asLong())),
                at(v));
    }

    /** @throws IllegalArgumentException if {@code at} is present but not a non-negative integer */
    private static OptionalLong at(JsonNode value) {
        JsonNode at = value == null ? null : value.get(AT);
        if (at == null || at.isNull()) {
            return OptionalLong.empty();
        }
        if (!at.canConvertToLong() || !at.isIntegralNumber() || at.asLong() < 0) {
            throw new IllegalArgumentException("field " + AT + " is not a log offset: " + at);
        }
        return OptionalLong.of(at.asLong());
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
