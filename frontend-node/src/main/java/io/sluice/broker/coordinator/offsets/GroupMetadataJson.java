package io.sluice.broker.coordinator.offsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.group.MemberProtocol;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON value of a "group" record in {@code __consumer_offsets} (format version 1), Sluice's counterpart of
 * Kafka's {@code GroupMetadataValue}. Byte fields (subscription metadata, assignment) are standard base64; absent
 * optional strings are JSON {@code null}.
 *
 * <pre>
 * {"v":1,"protocolType":"consumer","generation":4,"protocol":"range","leader":"c1-5d0e...",
 *  "currentStateTimestamp":1700000000000,
 *  "members":[{"memberId":"c1-5d0e...","groupInstanceId":null,"clientId":"c1","clientHost":"/127.0.0.1",
 *              "rebalanceTimeoutMs":300000,"sessionTimeoutMs":45000,
 *              "protocols":[{"name":"range","metadata":"AAMAAAABAAZvcmRlcnM..."}],
 *              "assignment":"AAMAAAABAAZvcmRlcnMAAAACAAAAAAAAAAE..."}]}
 * </pre>
 *
 * {@code protocols} lists every protocol (assignor) the member sent, in its preference order, each with its
 * subscription metadata; one of them is the group's chosen {@code protocol}. An Empty group has no members and
 * null protocol and leader.
 */
final class GroupMetadataJson {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final Base64.Decoder UNBASE64 = Base64.getDecoder();

    private GroupMetadataJson() {
    }

    static ObjectNode encode(ObjectMapper json, GroupMetadata group) {
        ObjectNode value = json.createObjectNode().put("v", OffsetRecordCodec.VERSION)
                .put("protocolType", group.protocolType().orElse(null))
                .put("generation", group.generationId())
                .put("protocol", group.protocolName().orElse(null))
                .put("leader", group.leaderId().orElse(null))
                .put("currentStateTimestamp", group.currentStateTimestampMs());
        ArrayNode members = value.putArray("members");
        for (GroupMetadata.Member member : group.members()) {
            ObjectNode m = members.addObject().put("memberId", member.memberId())
                    .put("groupInstanceId", member.groupInstanceId().orElse(null))
                    .put("clientId", member.clientId())
                    .put("clientHost", member.clientHost())
                    .put("rebalanceTimeoutMs", member.rebalanceTimeoutMs())
                    .put("sessionTimeoutMs", member.sessionTimeoutMs());
            ArrayNode protocols = m.putArray("protocols");
            member.protocols().forEach(p -> protocols.addObject().put("name", p.name())
                    .put("metadata", BASE64.encodeToString(p.metadata())));
            m.put("assignment", BASE64.encodeToString(member.assignment()));
        }
        return value;
    }

    /**
     * @throws IllegalArgumentException if a required field is missing or malformed, or the group is inconsistent
     */
    static GroupMetadata decode(String groupId, JsonNode value) {
        List<GroupMetadata.Member> members = new ArrayList<>();
        for (JsonNode m : required(value, "members")) {
            List<MemberProtocol> protocols = new ArrayList<>();
            for (JsonNode p : required(m, "protocols")) {
                protocols.add(new MemberProtocol(text(p, "name"), UNBASE64.decode(text(p, "metadata"))));
            }
            members.add(new GroupMetadata.Member(text(m, "memberId"), optionalText(m, "groupInstanceId"),
                    text(m, "clientId"), text(m, "clientHost"), required(m, "rebalanceTimeoutMs").asInt(),
                    required(m, "sessionTimeoutMs").asInt(), protocols, UNBASE64.decode(text(m, "assignment"))));
        }
        return new GroupMetadata(groupId, optionalText(value, "protocolType"), required(value, "generation").asInt(),
                optionalText(value, "protocol"), optionalText(value, "leader"),
                value.path("currentStateTimestamp").asLong(-1), members);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode child = node.get(field);
        if (child == null || child.isNull()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return child;
    }

    private static String text(JsonNode node, String field) {
        JsonNode child = required(node, field);
        if (!child.isTextual()) {
            throw new IllegalArgumentException("field " + field + " is not a string");
        }
        return child.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode child = node.get(field);
        return child == null || child.isNull() ? Optional.empty() : Optional.of(child.asText());
    }
}
