package io.sluice.storage.log;

import io.sluice.storage.AppendOrigin;
import io.sluice.storage.producer.ProducerAppendInfo;
import io.sluice.storage.producer.ProducerStateManager;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;

import java.io.IOException;

/**
 * Rebuilds producer state after a load or a truncation, as Kafka's {@code UnifiedLog.rebuildProducerState}: the
 * newest valid snapshot at or below the target offset, then the producer batches after it replayed from the
 * segments (headers only, no decompression). Snapshots are taken at every roll, so the replay covers at most
 * about one segment. Called under the log's lock.
 */
final class ProducerStateLoader {
    private ProducerStateLoader() {
    }

    /** Makes {@code producerState} cover exactly {@code [logStartOffset, lastOffset)}. */
    static void rebuild(ProducerStateManager producerState, LogSegments segments, long logStartOffset,
                        long lastOffset, long nowMs) throws IOException {
        producerState.truncateAndReload(logStartOffset, lastOffset, nowMs);
        long from = producerState.mapEndOffset();
        if (from < lastOffset) {
            for (LogSegment segment : segments.values(from, lastOffset)) {
                replay(producerState, segment, from, lastOffset);
            }
        }
        producerState.updateMapEndOffset(lastOffset);
    }

    private static void replay(ProducerStateManager producerState, LogSegment segment, long from, long lastOffset) {
        FileRecords.LogOffsetPosition start = segment.translateOffset(Math.max(from, segment.baseOffset()));
        if (start == null) {
            return;
        }
        for (FileChannelRecordBatch batch : segment.log().batchesFrom(start.position)) {
            if (batch.baseOffset() >= lastOffset) {
                break;
            }
            if (batch.hasProducerId()) {
                ProducerAppendInfo append = producerState.prepareUpdate(batch.producerId(), AppendOrigin.REPLICATION);
                append.append(batch);
                producerState.update(append);
            }
        }
    }
}
