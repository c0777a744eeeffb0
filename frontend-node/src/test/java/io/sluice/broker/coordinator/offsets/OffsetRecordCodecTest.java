package io.sluice.broker.coordinator.offsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.group.MemberProtocol;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.CoordinatorRecord;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.GroupRecord;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.OffsetRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON records of {@code __consumer_offsets}: offsets and group metadata, values and tombstones. */
class OffsetRecordCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static GroupMetadata stableGroup() {
        GroupMetadata.Member leader = new GroupMetadata.Member("c1-1", Optional.empty(), "c1", "/127.0.0.1", 300_000,
                45_000, List.of(new MemberProtocol("range", new byte[]{0, 3, 1}),
                        new MemberProtocol("cooperative-sticky", new byte[]{0, 3, 2})), new byte[]{9, 8, 7});
        GroupMetadata.Member follower = new GroupMetadata.Member("app-2-abc", Optional.of("app-2"), "c2",
                "/10.0.0.2", 60_000, 10_000, List.of(new MemberProtocol("range", new byte[]{0, 3, 5})), new byte[0]);
        return new GroupMetadata("orders-app", Optional.of("consumer"), 7, Optional.of("range"),
                Optional.of("c1-1"), 1_700_000_000_123L, List.of(leader, follower));
    }

    private static Optional<CoordinatorRecord> decode(byte[] key, byte[] value) {
        return OffsetRecordCodec.decode(ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value));
    }

    @Test
    void groupMetadataRoundTrips() {
        GroupMetadata group = stableGroup();

        Optional<CoordinatorRecord> decoded = decode(OffsetRecordCodec.groupKey("orders-app"),
                OffsetRecordCodec.groupValue(group));

        assertThat(decoded).containsInstanceOf(GroupRecord.class);
        GroupRecord record = (GroupRecord) decoded.orElseThrow();
        assertThat(record.groupId()).isEqualTo("orders-app");
        assertThat(record.metadata()).contains(group);
    }

    @Test
    void anEmptyGroupRoundTripsWithNullProtocolAndLeader() throws Exception {
        GroupMetadata empty = new GroupMetadata("g", Optional.of("consumer"), 4, Optional.empty(), Optional.empty(),
                5L, List.of());

        byte[] value = OffsetRecordCodec.groupValue(empty);

        JsonNode json = JSON.readTree(value);
        assertThat(json.get("protocol").isNull()).isTrue();
        assertThat(json.get("leader").isNull()).isTrue();
        assertThat(json.get("members")).isEmpty();
        assertThat(((GroupRecord) decode(OffsetRecordCodec.groupKey("g"), value).orElseThrow()).metadata())
                .contains(empty);
    }

    @Test
    void theDocumentedKeyAndValueLayout() throws Exception {
        assertThat(new String(OffsetRecordCodec.groupKey("orders-app"), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"type\":\"group\",\"group\":\"orders-app\"}");
        JsonNode value = JSON.readTree(OffsetRecordCodec.groupValue(stableGroup()));
        assertThat(value.get("v").asInt()).isEqualTo(1);
        assertThat(value.get("protocolType").asText()).isEqualTo("consumer");
        assertThat(value.get("generation").asInt()).isEqualTo(7);
        assertThat(value.get("protocol").asText()).isEqualTo("range");
        assertThat(value.get("leader").asText()).isEqualTo("c1-1");
        assertThat(value.get("currentStateTimestamp").asLong()).isEqualTo(1_700_000_000_123L);
        JsonNode follower = value.get("members").get(1);
        assertThat(follower.get("memberId").asText()).isEqualTo("app-2-abc");
        assertThat(follower.get("groupInstanceId").asText()).isEqualTo("app-2");
        assertThat(follower.get("clientId").asText()).isEqualTo("c2");
        assertThat(follower.get("clientHost").asText()).isEqualTo("/10.0.0.2");
        assertThat(follower.get("rebalanceTimeoutMs").asInt()).isEqualTo(60_000);
        assertThat(follower.get("sessionTimeoutMs").asInt()).isEqualTo(10_000);
        assertThat(follower.get("protocols").get(0).get("name").asText()).isEqualTo("range");
        assertThat(Base64.getDecoder().decode(follower.get("protocols").get(0).get("metadata").asText()))
                .containsExactly(0, 3, 5);
        assertThat(value.get("members").get(0).get("groupInstanceId").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(value.get("members").get(0).get("assignment").asText()))
                .containsExactly(9, 8, 7);
    }

    @Test
    void aGroupTombstoneDecodesAsDeleted() {
        assertThat(decode(OffsetRecordCodec.groupKey("gone"), null))
                .contains(new GroupRecord("gone", Optional.empty()));
    }

    @Test
    void offsetRecordsStillRoundTripNextToGroupRecords() {
        TopicPartition tp = new TopicPartition("orders", 3);
        CommittedOffset offset = new CommittedOffset(1042, 5, "m", 1_700_000_000_000L);

        assertThat(decode(OffsetRecordCodec.key("orders-app", tp), OffsetRecordCodec.value(offset)))
                .contains(new OffsetRecord("orders-app", tp, Optional.of(offset)));
        assertThat(decode(OffsetRecordCodec.key("orders-app", tp), null))
                .contains(new OffsetRecord("orders-app", tp, Optional.empty()));
    }

    @Test
    void snapshotRecordsCarryTheOffsetOfTheRecordTheyCopy() throws Exception {
        TopicPartition tp = new TopicPartition("orders", 3);
        CommittedOffset offset = new CommittedOffset(1042, 5, "m", 1_700_000_000_000L);

        byte[] value = OffsetRecordCodec.value(offset, OptionalLong.of(77));
        byte[] groupValue = OffsetRecordCodec.groupValue(stableGroup(), OptionalLong.of(78));

        assertThat(JSON.readTree(value).get("at").asLong()).isEqualTo(77);
        assertThat(JSON.readTree(value).get("v").asInt()).isEqualTo(1);
        OffsetRecord record = (OffsetRecord) decode(OffsetRecordCodec.key("orders-app", tp), value).orElseThrow();
        assertThat(record).isEqualTo(new OffsetRecord("orders-app", tp, Optional.of(offset), OptionalLong.of(77)));
        assertThat(record.sourceOffset(500)).isEqualTo(77);
        GroupRecord group = (GroupRecord) decode(OffsetRecordCodec.groupKey("orders-app"), groupValue).orElseThrow();
        assertThat(group.metadata()).contains(stableGroup());
        assertThat(group.sourceOffset(500)).isEqualTo(78);
        // a normal record's source offset is its own log offset
        assertThat(decode(OffsetRecordCodec.key("orders-app", tp), OffsetRecordCodec.value(offset)).orElseThrow()
                .sourceOffset(500)).isEqualTo(500);
        assertThat(JSON.readTree(OffsetRecordCodec.value(offset)).has("at")).isFalse();
    }

    @Test
    void aMalformedAtIsSkipped() {
        byte[] key = OffsetRecordCodec.key("g", new TopicPartition("t", 0));
        assertThat(decode(key, "{\"v\":1,\"offset\":1,\"at\":-3}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decode(key, "{\"v\":1,\"offset\":1,\"at\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void unknownTypesVersionsAndMalformedGroupValuesAreSkipped() {
        byte[] groupKey = OffsetRecordCodec.groupKey("g");
        assertThat(decode("{\"v\":1,\"type\":\"transaction\",\"group\":\"g\"}".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decode("{\"v\":2,\"type\":\"group\",\"group\":\"g\"}".getBytes(StandardCharsets.UTF_8), null))
                .isEmpty();
        assertThat(decode(groupKey, "{\"v\":2,\"generation\":1,\"members\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        // a member without its protocols
        assertThat(decode(groupKey, ("{\"v\":1,\"protocolType\":\"consumer\",\"generation\":1,\"protocol\":\"range\","
                + "\"leader\":\"m\",\"members\":[{\"memberId\":\"m\",\"clientId\":\"c\",\"clientHost\":\"h\","
                + "\"rebalanceTimeoutMs\":1,\"sessionTimeoutMs\":1,\"assignment\":\"\"}]}")
                .getBytes(StandardCharsets.UTF_8))).isEmpty();
        // the leader is not a member
        assertThat(decode(groupKey, ("{\"v\":1,\"protocolType\":\"consumer\",\"generation\":1,\"protocol\":\"range\","
                + "\"leader\":\"x\",\"members\":[{\"memberId\":\"m\",\"clientId\":\"c\",\"clientHost\":\"h\","
                + "\"rebalanceTimeoutMs\":1,\"sessionTimeoutMs\":1,\"protocols\":[{\"name\":\"range\","
                + "\"metadata\":\"\"}],\"assignment\":\"\"}]}").getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decode(groupKey, "not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
