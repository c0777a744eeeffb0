package io.sluice.metadata;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataModelTest {

    private static TopicMetadata topic(String name, Uuid id, PartitionState... states) {
        TreeMap<Integer, PartitionState> partitions = new TreeMap<>();
        for (int i = 0; i < states.length; i++) {
            partitions.put(i, states[i]);
        }
        return new TopicMetadata(name, id, (short) states[0].replicas().size(), Map.of(), partitions);
    }

    @Test
    void partitionStateEnforcesKafkasInvariants() {
        PartitionState initial = PartitionState.initial(List.of(3, 1, 2));
        assertThat(initial).isEqualTo(new PartitionState(3, 0, List.of(3, 1, 2), List.of(3, 1, 2), 0));
        assertThat(new PartitionState(PartitionState.NO_LEADER, 1, List.of(1), List.of(), 1).hasLeader()).isFalse();

        assertThatThrownBy(() -> new PartitionState(1, 0, List.of(), List.of(), 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionState(1, 0, List.of(1, 1), List.of(1), 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionState(1, 0, List.of(1, 2), List.of(1, 3), 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionState(2, 0, List.of(1, 2), List.of(1), 0))
            .as("leader outside the ISR").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deltaListsEveryKindOfChange() {
        Uuid kept = Uuid.randomUuid();
        Uuid gone = Uuid.randomUuid();
        Uuid added = Uuid.randomUuid();
        PartitionState p0 = PartitionState.initial(List.of(1, 2));
        PartitionState p0moved = new PartitionState(2, 1, List.of(1, 2), List.of(2), 1);
        BrokerRegistration b1 = BrokerRegistration.of(1, "h1", 9092, 0);
        BrokerRegistration b2 = BrokerRegistration.of(2, "h2", 9092, 0);
        BrokerRegistration b3 = BrokerRegistration.of(3, "h3", 9092, 0);
        MetadataImage before = new MetadataImage(10, Optional.empty(), Map.of(1, b1, 2, b2),
            List.of(topic("kept", kept, p0), topic("gone", gone, p0)));
        MetadataImage after = new MetadataImage(12, Optional.of("cluster"), Map.of(1, b1, 3, b3),
            List.of(topic("kept", kept, p0moved, p0), topic("added", added, p0)));

        MetadataDelta delta = MetadataDelta.between(before, after);

        assertThat(delta.previousRevision()).isEqualTo(10);
        assertThat(delta.revision()).isEqualTo(12);
        assertThat(delta.clusterIdCreated()).contains("cluster");
        assertThat(delta.registeredBrokers()).containsExactly(b3);
        assertThat(delta.unregisteredBrokers()).containsExactly(b2);
        assertThat(delta.createdTopics()).extracting(TopicMetadata::name).containsExactly("added");
        assertThat(delta.deletedTopics()).extracting(TopicMetadata::name).containsExactly("gone");
        assertThat(delta.changedTopics()).extracting(TopicMetadata::name).containsExactly("kept");
        assertThat(delta.partitionChanges()).hasSize(4).anySatisfy(change -> {
            assertThat(change.partition().topicId()).isEqualTo(kept);
            assertThat(change.partition().partition()).isEqualTo(0);
            assertThat(change.previous()).contains(p0);
            assertThat(change.current()).contains(p0moved);
        }).anySatisfy(change -> {
            assertThat(change.partition().topic()).isEqualTo("kept");
            assertThat(change.partition().partition()).isEqualTo(1);
            assertThat(change.previous()).isEmpty();
            assertThat(change.becameReplica(2)).isTrue();
        }).anySatisfy(change -> {
            assertThat(change.partition().topic()).isEqualTo("gone");
            assertThat(change.current()).isEmpty();
            assertThat(change.stoppedBeingReplica(1)).isTrue();
        });
        assertThat(MetadataDelta.between(after, after.withRevision(13)).isEmpty()).isTrue();
    }

    @Test
    void deltaReportsReRegisteredBrokersAndControllerChanges() {
        BrokerRegistration b1 = BrokerRegistration.of(1, "h1", 9092, 0);
        MetadataImage before = new MetadataImage(10, Optional.of("c"), Map.of(1, b1), Map.of(1, 5L), List.of(),
            MetadataImage.NO_CONTROLLER, 3);
        MetadataImage restarted = new MetadataImage(12, Optional.of("c"), Map.of(1, b1), Map.of(1, 11L), List.of(),
            MetadataImage.NO_CONTROLLER, 3);
        MetadataImage elected = new MetadataImage(13, Optional.of("c"), Map.of(1, b1), Map.of(1, 11L), List.of(),
            1, 4);

        MetadataDelta restart = MetadataDelta.between(before, restarted);
        assertThat(restart.registeredBrokers()).as("same registration, new broker epoch").containsExactly(b1);
        assertThat(restart.controllerChanged()).isFalse();
        MetadataDelta election = MetadataDelta.between(restarted, elected);
        assertThat(election.controllerChanged()).isTrue();
        assertThat(election.isEmpty()).isFalse();
        assertThat(elected.controllerId()).isEqualTo(1);
        assertThat(elected.controllerEpoch()).isEqualTo(4);
        assertThat(elected.brokerEpoch(1)).hasValue(11L);
        assertThat(elected.brokerEpoch(2)).isEmpty();
        assertThat(elected.withRevision(20).controllerEpoch()).isEqualTo(4);
        assertThat(new MetadataImage(1, Optional.empty(), Map.of(), Map.of(7, 3L), List.of(), -1, 0).brokerEpochs())
            .as("epochs of brokers that are not live are dropped").isEmpty();
    }

    @Test
    void imageLooksUpByNameIdAndPartition() {
        Uuid id = Uuid.randomUuid();
        MetadataImage image = new MetadataImage(5, Optional.of("c"), Map.of(),
            List.of(topic("t", id, PartitionState.initial(List.of(7)))));

        assertThat(image.topic("t")).map(TopicMetadata::topicId).contains(id);
        assertThat(image.topic(id)).map(TopicMetadata::name).contains("t");
        assertThat(image.partition(new org.apache.kafka.common.TopicPartition("t", 0))).map(PartitionState::leader)
            .contains(7);
        assertThat(image.partition(id, 1)).isEmpty();
        assertThatThrownBy(() -> new MetadataImage(1, Optional.empty(), Map.of(),
            List.of(topic("t", id, PartitionState.initial(List.of(1))), topic("t", Uuid.randomUuid(),
                PartitionState.initial(List.of(1))))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configValidatesNamespace() {
        assertThat(MetadataStoreConfig.builder("http://x:1").build().namespace()).isEqualTo("/sluice");
        assertThatThrownBy(() -> MetadataStoreConfig.builder("http://x:1").namespace("sluice").build())
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataStoreConfig.builder("http://x:1").namespace("/sluice/").build())
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(MetadataStoreConfig.builder("http://x:1").brokerLeaseTtl(java.time.Duration.ofMillis(1500))
            .build().brokerLeaseTtlSeconds()).isEqualTo(2);
    }
}
