package io.sluice.tiering.remote;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentObjects;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.ObjectStore;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Puts a sealed local segment into an object store exactly as {@link SegmentUploader} writes it (same objects, keys,
 * checksums and metadata, via {@link PreparedSegment}) without registering it in etcd: for tests of readers.
 */
public final class RemoteSegmentFixture {

    private RemoteSegmentFixture() {
    }

    /**
     * Writes the four objects of {@code segment} under a fresh segment id.
     *
     * @return the metadata {@code SegmentUploader} would register, in state {@code COPY_FINISHED}
     */
    public static CompletableFuture<RemoteSegmentMetadata> put(ObjectStore store, TopicIdPartition partition,
                                                               SegmentInfo segment, List<EpochEntry> lineage,
                                                               int leaderEpoch) {
        SegmentUpload upload = new SegmentUpload(partition, segment, lineage, leaderEpoch, 1, 1L);
        PreparedSegment prepared = PreparedSegment.prepare(upload, Uuid.randomUuid(), Time.SYSTEM);
        RemoteSegmentObjects objects = prepared.metadata().objects();
        return CompletableFuture.allOf(
                store.put(objects.log().key(), segment.logFile()),
                store.put(objects.offsetIndex().key(), segment.offsetIndexFile()),
                store.put(objects.timeIndex().key(), segment.timeIndexFile()),
                store.put(objects.leaderEpochCheckpoint().key(), prepared.epochCheckpoint()))
            .thenApply(v -> prepared.metadata().withState(RemoteSegmentState.COPY_FINISHED));
    }
}
