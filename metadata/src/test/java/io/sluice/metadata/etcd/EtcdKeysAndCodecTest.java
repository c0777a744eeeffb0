package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownServerException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EtcdKeysAndCodecTest {

    private final EtcdKeys keys = new EtcdKeys("/sluice");

    private static String s(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keysFollowTheDocumentedLayout() {
        Uuid id = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
        assertThat(s(keys.clusterId())).isEqualTo("/sluice/v1/cluster-id");
        assertThat(s(keys.controller())).isEqualTo("/sluice/v1/controller");
        assertThat(s(keys.controllerEpoch())).isEqualTo("/sluice/v1/controller-epoch");
        assertThat(s(keys.broker(7))).isEqualTo("/sluice/v1/brokers/7");
        assertThat(s(keys.topicName("my.topic_x"))).isEqualTo("/sluice/v1/topic-names/my_topic_x");
        assertThat(s(keys.topic(id))).isEqualTo("/sluice/v1/topics/AAAAAAAAAAAAAAAAAAAAAQ");
        assertThat(s(keys.partition(id, 3))).isEqualTo("/sluice/v1/partitions/AAAAAAAAAAAAAAAAAAAAAQ/3");
        assertThat(s(keys.producerIds())).isEqualTo("/sluice/v1/producer-ids");
        assertThat(s(keys.sync())).isEqualTo("/sluice/v1/sync");
        assertThat(s(keys.rootEnd())).isEqualTo("/sluice/v10");
    }

    @Test
    void parsingInvertsBuilding() {
        Uuid id = Uuid.randomUuid();
        assertThat(keys.parse(keys.clusterId())).isEqualTo(new MetadataKey.ClusterId());
        assertThat(keys.parse(keys.broker(12))).isEqualTo(new MetadataKey.Broker(12));
        assertThat(keys.parse(keys.topic(id))).isEqualTo(new MetadataKey.Topic(id));
        assertThat(keys.parse(keys.partition(id, 9))).isEqualTo(new MetadataKey.Partition(id, 9));
        assertThat(keys.parse(keys.topicName("a.b"))).isEqualTo(new MetadataKey.TopicName("a_b"));
        assertThat(keys.parse(keys.producerIds())).isEqualTo(new MetadataKey.ProducerIds());
        assertThat(keys.parse(keys.controller())).isEqualTo(new MetadataKey.Controller());
        assertThat(keys.parse(keys.controllerEpoch())).isEqualTo(new MetadataKey.ControllerEpoch());
        assertThat(keys.parse(EtcdKeys.bytes("/sluice/v1/brokers/x"))).isInstanceOf(MetadataKey.Unknown.class);
        assertThat(keys.parse(EtcdKeys.bytes("/sluice/v2/brokers/1"))).isInstanceOf(MetadataKey.Unknown.class);
        assertThat(new EtcdKeys("/other").parse(keys.broker(1))).isInstanceOf(MetadataKey.Unknown.class);
    }

    @Test
    void valuesRoundTripAsVersionedJson() {
        BrokerRegistration broker = new BrokerRegistration(3, "host", 9092, 8080, Optional.of("r1"));
        ByteSequence encoded = ValueCodec.encode(StoredValues.BrokerValue.of(broker));

        assertThat(s(encoded)).isEqualTo(
            "{\"version\":1,\"brokerId\":3,\"host\":\"host\",\"kafkaPort\":9092,\"httpPort\":8080,\"rack\":\"r1\"}");
        assertThat(ValueCodec.decode(encoded, StoredValues.BrokerValue.class, keys.broker(3)).toRegistration())
            .isEqualTo(broker);

        assertThat(s(ValueCodec.encode(new StoredValues.ControllerValue(StoredValues.VERSION, 2, 5))))
            .isEqualTo("{\"version\":1,\"brokerId\":2,\"epoch\":5}");
        assertThat(s(ValueCodec.encode(new StoredValues.ControllerEpochValue(StoredValues.VERSION, 5, 2))))
            .isEqualTo("{\"version\":1,\"epoch\":5,\"brokerId\":2}");

        PartitionState state = new PartitionState(2, 4, List.of(1, 2), List.of(2), 7);
        assertThat(ValueCodec.decode(ValueCodec.encode(StoredValues.PartitionValue.of(state)),
            StoredValues.PartitionValue.class, keys.broker(1)).toState()).isEqualTo(state);
    }

    @Test
    void unknownFieldsAreIgnoredButOtherVersionsRejected() {
        ByteSequence newer = EtcdKeys.bytes("{\"version\":1,\"clusterId\":\"abc\",\"addedLater\":true}");
        assertThat(ValueCodec.decode(newer, StoredValues.ClusterIdValue.class, keys.clusterId()).clusterId())
            .isEqualTo("abc");

        ByteSequence v2 = EtcdKeys.bytes("{\"version\":2,\"clusterId\":\"abc\"}");
        assertThatThrownBy(() -> ValueCodec.decode(v2, StoredValues.ClusterIdValue.class, keys.clusterId()))
            .isInstanceOf(UnknownServerException.class)
            .hasMessageContaining("version 2").hasMessageContaining("/sluice/v1/cluster-id");
        assertThatThrownBy(() -> ValueCodec.decode(EtcdKeys.bytes("not json"), StoredValues.ClusterIdValue.class,
            keys.clusterId())).isInstanceOf(UnknownServerException.class);
    }

    @Test
    void topicWithoutStoredStatesStartsWithKafkasInitialState() {
        StoredValues.TopicValue topic = new StoredValues.TopicValue(1, "t", Uuid.randomUuid().toString(), (short) 2,
            Map.of("retention.ms", "5"), List.of(List.of(1, 2), List.of(2, 1)));
        PartitionState moved = new PartitionState(1, 1, List.of(2, 1), List.of(1), 1);

        var metadata = topic.toMetadata(Map.of(1, moved));

        assertThat(metadata.partitionCount()).isEqualTo(2);
        assertThat(metadata.partition(0)).contains(new PartitionState(1, 0, List.of(1, 2), List.of(1, 2), 0));
        assertThat(metadata.partition(1)).contains(moved);
        assertThat(metadata.configOverrides()).containsExactly(Map.entry("retention.ms", "5"));
    }
}
