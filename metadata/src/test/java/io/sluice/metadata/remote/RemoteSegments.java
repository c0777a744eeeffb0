package io.sluice.metadata.remote;

import org.apache.kafka.common.Uuid;

import java.util.TreeMap;

/** Builds remote segment metadata for tests. */
final class RemoteSegments {

    private RemoteSegments() {
    }

    /** A {@code COPY_FINISHED} segment of {@code [base, last]} written at one leader epoch by {@code brokerId}. */
    static RemoteSegmentMetadata segment(Uuid topicId, String topic, int partition, long base, long last,
                                         int leaderEpoch, int brokerId) {
        Uuid id = Uuid.randomUuid();
        String stem = "ab12/" + topicId + "/" + partition + "/" + String.format("%020d", base) + "-" + id;
        long size = 100 * (last - base + 1);
        RemoteSegmentObjects objects = new RemoteSegmentObjects(new RemoteObject(stem + ".log", size, "0000abcd"),
            new RemoteObject(stem + ".index", 16, "00000001"), new RemoteObject(stem + ".timeindex", 24, "00000002"),
            new RemoteObject(stem + ".leader-epoch-checkpoint", 8, "00000003"));
        TreeMap<Integer, Long> epochs = new TreeMap<>();
        epochs.put(leaderEpoch, base);
        return new RemoteSegmentMetadata(topicId, topic, partition, id, base, last, 1_700_000_000_000L + base,
            1_700_000_000_000L + last, size, epochs, objects, leaderEpoch, brokerId, 1_700_000_100_000L,
            RemoteSegmentState.COPY_FINISHED);
    }
}
