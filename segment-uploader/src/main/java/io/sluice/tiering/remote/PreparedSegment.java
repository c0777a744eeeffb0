package io.sluice.tiering.remote;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentObjects;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.storage.log.SegmentInfo;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NavigableMap;

/**
 * A segment ready to upload: its checksums, first timestamp, leader epochs and the {@code COPY_STARTED} metadata,
 * computed from the local files (blocking file reads: run it on an I/O thread).
 *
 * @param metadata        the metadata to register once the objects are written (state {@code COPY_STARTED})
 * @param epochCheckpoint the leader epoch checkpoint object's bytes
 */
record PreparedSegment(RemoteSegmentMetadata metadata, ByteBuffer epochCheckpoint) {

    static PreparedSegment prepare(SegmentUpload upload, Uuid segmentId, Time time) {
        SegmentInfo segment = upload.segment();
        try {
            Crc32c.Checked log = Crc32c.ofFile(segment.logFile());
            if (log.sizeInBytes() != segment.sizeInBytes()) {
                throw new IllegalStateException("segment " + segment.logFile() + " has " + log.sizeInBytes()
                    + " bytes, not the " + segment.sizeInBytes() + " of a sealed segment: it changed");
            }
            Crc32c.Checked index = Crc32c.ofFile(segment.offsetIndexFile());
            Crc32c.Checked timeIndex = Crc32c.ofFile(segment.timeIndexFile());
            byte[] epochs = LeaderEpochLineage.toCheckpoint(
                LeaderEpochLineage.upTo(upload.leaderEpochLineage(), upload.lastOffset()));
            NavigableMap<Integer, Long> segmentEpochs = LeaderEpochLineage.forSegment(upload.leaderEpochLineage(),
                segment.baseOffset(), upload.lastOffset());
            ObjectKeyFactory.SegmentKeys keys = ObjectKeyFactory.segmentKeys(upload.partition().topicId(),
                upload.partition().partition(), segment.baseOffset(), segmentId);
            RemoteSegmentObjects objects = new RemoteSegmentObjects(
                new RemoteObject(keys.log(), log.sizeInBytes(), log.crc32c()),
                new RemoteObject(keys.offsetIndex(), index.sizeInBytes(), index.crc32c()),
                new RemoteObject(keys.timeIndex(), timeIndex.sizeInBytes(), timeIndex.crc32c()),
                new RemoteObject(keys.leaderEpochCheckpoint(), epochs.length, Crc32c.of(epochs)));
            RemoteSegmentMetadata metadata = new RemoteSegmentMetadata(upload.partition().topicId(),
                upload.partition().topic(), upload.partition().partition(), segmentId, segment.baseOffset(),
                upload.lastOffset(), firstTimestamp(segment), segment.largestTimestamp(), segment.sizeInBytes(),
                segmentEpochs, objects, upload.leaderEpoch(), upload.brokerId(), time.milliseconds(),
                RemoteSegmentState.COPY_STARTED);
            return new PreparedSegment(metadata, ByteBuffer.wrap(epochs).asReadOnlyBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read segment " + segment.logFile(), e);
        }
    }

    /**
     * The timestamp of the segment's first record as a consumer sees it (the batch's append time for
     * {@code LogAppendTime} batches), or -1 if the segment holds no record.
     */
    static long firstTimestamp(SegmentInfo segment) throws IOException {
        try (FileRecords records = FileRecords.open(segment.logFile().toFile(), true, false, 0, false)) {
            Iterator<? extends RecordBatch> batches = records.batches().iterator();
            if (!batches.hasNext()) {
                return RecordBatch.NO_TIMESTAMP;
            }
            RecordBatch first = batches.next();
            if (first.timestampType() == TimestampType.LOG_APPEND_TIME) {
                return first.maxTimestamp();
            }
            try (CloseableIterator<Record> it = first.streamingIterator(BufferSupplier.NO_CACHING)) {
                return it.hasNext() ? it.next().timestamp() : first.maxTimestamp();
            }
        }
    }
}
