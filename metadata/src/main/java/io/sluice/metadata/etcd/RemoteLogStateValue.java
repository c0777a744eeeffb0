package io.sluice.metadata.etcd;

import io.sluice.metadata.remote.RemoteLogState;

/**
 * {@code <ns>/remote-log/v1/partitions/<topicId>/<p>}: a partition's remote log summary ({@link RemoteLogState}).
 * Written in the same transaction as every registration and deletion of the partition's remote segments.
 */
record RemoteLogStateValue(int version, long highestOffset, int segmentCount, long sizeInBytes)
    implements StoredValues.Versioned {

    static RemoteLogStateValue of(RemoteLogState state) {
        return new RemoteLogStateValue(StoredValues.VERSION, state.highestOffset(), state.segmentCount(),
            state.sizeInBytes());
    }

    RemoteLogState toState() {
        return new RemoteLogState(highestOffset, segmentCount, sizeInBytes);
    }
}
