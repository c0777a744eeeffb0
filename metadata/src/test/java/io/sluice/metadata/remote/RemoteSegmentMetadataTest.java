package io.sluice.metadata.remote;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteSegmentMetadataTest {

    private final Uuid topicId = Uuid.randomUuid();

    @Test
    void jsonRoundTripKeepsEveryFieldAndCarriesTheFormatVersion() {
        RemoteSegmentMetadata segment = RemoteSegments.segment(topicId, "orders", 3, 100, 199, 4, 2);
        TreeMap<Integer, Long> epochs = new TreeMap<>();
        epochs.put(4, 100L);
        epochs.put(6, 150L);
        RemoteSegmentMetadata twoEpochs = new RemoteSegmentMetadata(topicId, "orders", 3, segment.segmentId(), 100,
            199, 5, 9, segment.sizeInBytes(), epochs, segment.objects(), 6, 2, 11, RemoteSegmentState.COPY_FINISHED);

        byte[] json = RemoteSegmentMetadataJson.encode(twoEpochs);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"version\":1")
            .contains("\"segmentLeaderEpochs\":[{\"epoch\":4,\"startOffset\":100},{\"epoch\":6,\"startOffset\":150}]")
            .contains("\"state\":\"COPY_FINISHED\"");
        assertThat(RemoteSegmentMetadataJson.decode(json)).isEqualTo(twoEpochs);
    }

    @Test
    void readersIgnoreUnknownFieldsAndRejectOtherVersions() {
        String json = new String(RemoteSegmentMetadataJson.encode(
            RemoteSegments.segment(topicId, "t", 0, 0, 9, 0, 1)), StandardCharsets.UTF_8);
        String withExtra = json.replace("{\"version\":1,", "{\"version\":1,\"addedLater\":[1,2],");
        assertThat(RemoteSegmentMetadataJson.decode(withExtra.getBytes(StandardCharsets.UTF_8)).baseOffset())
            .isZero();

        String v2 = json.replace("\"version\":1", "\"version\":2");
        assertThatThrownBy(() -> RemoteSegmentMetadataJson.decode(v2.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> RemoteSegmentMetadataJson.decode("{".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offsetsAndEpochLineageAreValidated() {
        RemoteSegmentMetadata s = RemoteSegments.segment(topicId, "t", 0, 10, 19, 2, 1);
        assertThat(s.nextOffset()).isEqualTo(20);
        assertThat(s.contains(10)).isTrue();
        assertThat(s.contains(20)).isFalse();
        assertThat(s.overlaps(19, 30)).isTrue();
        assertThat(s.overlaps(20, 30)).isFalse();
        assertThat(s.leaderEpochFor(15)).contains(2);
        assertThat(s.leaderEpochFor(25)).isEmpty();

        TreeMap<Integer, Long> notAtBase = new TreeMap<>();
        notAtBase.put(2, 12L);
        assertThatThrownBy(() -> new RemoteSegmentMetadata(topicId, "t", 0, s.segmentId(), 10, 19, 0, 0,
            s.sizeInBytes(), notAtBase, s.objects(), 2, 1, 0, RemoteSegmentState.COPY_FINISHED))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base offset");
        assertThatThrownBy(() -> new RemoteSegmentMetadata(topicId, "t", 0, s.segmentId(), 20, 19, 0, 0,
            s.sizeInBytes(), notAtBase, s.objects(), 2, 1, 0, RemoteSegmentState.COPY_FINISHED))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset range");
        assertThatThrownBy(() -> new RemoteObject("k", 1, "ABCDEF01")).isInstanceOf(IllegalArgumentException.class);
        assertThat(RemoteObject.formatCrc32c(0xabL)).isEqualTo("000000ab");
    }

    @Test
    void stateTransitionsFollowKip405() {
        RemoteSegmentMetadata s = RemoteSegments.segment(topicId, "t", 0, 0, 9, 0, 1);
        assertThat(s.withState(RemoteSegmentState.DELETE_STARTED).state()).isEqualTo(RemoteSegmentState.DELETE_STARTED);
        assertThatThrownBy(() -> s.withState(RemoteSegmentState.COPY_STARTED))
            .isInstanceOf(IllegalStateException.class);
        assertThat(RemoteSegmentState.COPY_STARTED.canTransitionTo(RemoteSegmentState.COPY_FINISHED)).isTrue();
        assertThat(RemoteSegmentState.DELETE_STARTED.canTransitionTo(RemoteSegmentState.COPY_FINISHED)).isFalse();
    }
}
