package io.sluice.broker.cluster;

import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class IsrExpansionMonitorTest {
    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    private final IsrExpansionMonitor monitor = new IsrExpansionMonitor();
    private long revision;

    @Test
    void expansionToARegisteredBrokerIsFine() {
        apply(List.of(1, 2, 3), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2, 3), 0));
        apply(List.of(1, 2), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2), 1));
        apply(List.of(1, 2, 3), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2), 1));
        apply(List.of(1, 2, 3), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2, 3), 2));

        assertThat(monitor.violations()).isEmpty();
    }

    @Test
    void expansionToAnUnregisteredBrokerIsRecorded() {
        apply(List.of(1, 2, 3), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2, 3), 0));
        apply(List.of(1, 2), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2), 1));
        apply(List.of(1, 2), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2, 3), 2));

        assertThat(monitor.violations()).singleElement().satisfies(v -> {
            assertThat(v.topic()).isEqualTo("t");
            assertThat(v.broker()).isEqualTo(3);
            assertThat(v.toString()).contains("t-0 ISR [1, 2] -> [1, 2, 3] adds broker 3, which is not registered "
                    + "(live brokers [1, 2])");
        });
    }

    @Test
    void aNewTopicIsNotAnExpansion() {
        monitor.onMetadataUpdate(delta(), new MetadataImage(++revision, Optional.empty(), Map.of(), List.of()));
        apply(List.of(1), new PartitionState(1, 0, List.of(1, 2, 3), List.of(1, 2, 3), 0));

        assertThat(monitor.violations()).isEmpty();
    }

    private void apply(List<Integer> liveBrokers, PartitionState state) {
        Map<Integer, BrokerRegistration> brokers = liveBrokers.stream().collect(Collectors.toMap(Function.identity(),
                id -> BrokerRegistration.of(id, "127.0.0.1", 9000 + id, 0)));
        TopicMetadata topic = new TopicMetadata("t", TOPIC_ID, (short) 3, Map.of(), new TreeMap<>(Map.of(0, state)));
        monitor.onMetadataUpdate(delta(), new MetadataImage(++revision, Optional.empty(), brokers, List.of(topic)));
    }

    private MetadataDelta delta() {
        return MetadataDelta.between(MetadataImage.EMPTY, MetadataImage.EMPTY);
    }
}
