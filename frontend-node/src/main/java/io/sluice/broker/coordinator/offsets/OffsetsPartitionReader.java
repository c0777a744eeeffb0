package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.offsets.OffsetsReplay.OffsetKey;
import io.sluice.storage.log.FetchDataInfo;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.Map;

/**
 * Replays one {@code __consumer_offsets} partition from its log start offset (Kafka's coordinator load): per key,
 * the record with the highest source offset wins ({@link OffsetsReplay}: a normal record's own offset, a snapshot
 * record's {@code "at"}; among records of equal source offset the later one in the log) and tombstones delete, giving
 * every group's committed offsets and the last stored metadata of every group that was not deleted. Records of
 * unknown types or versions are skipped. Blocking (reads the log); not thread-safe, one call per load.
 */
final class OffsetsPartitionReader {
    private static final int READ_BYTES = 1 << 20;

    /**
     * What a partition holds.
     *
     * @param offsets       committed offsets: group → partition → offset (mutable, concurrent maps: they become the
     *                      live in-memory copy)
     * @param groups        each group's last stored metadata
     * @param records       how many records were read
     * @param offsetSources the source offset (log offset of the record that set it) of every live committed offset
     * @param groupSources  the source offset of every live group's metadata
     */
    record Contents(Map<String, Map<TopicPartition, CommittedOffset>> offsets, Map<String, GroupMetadata> groups,
                    int records, Map<OffsetKey, Long> offsetSources, Map<String, Long> groupSources) {

        /** @return how many keys are live: committed offsets plus groups with metadata */
        int liveEntries() {
            return offsetSources.size() + groupSources.size();
        }
    }

    private OffsetsPartitionReader() {
    }

    /** Replays {@code [log start offset, log end offset)}. */
    static Contents read(PartitionLog log) {
        return read(log, log.logEndOffset());
    }

    /**
     * Replays {@code [log start offset, endOffset)}; with {@code endOffset} = the high watermark, exactly the
     * committed records.
     *
     * @param endOffset exclusive; at most the log end offset
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException if the log start offset moved past the
     *         reading position meanwhile
     */
    static Contents read(PartitionLog log, long endOffset) {
        OffsetsReplay replay = new OffsetsReplay();
        long offset = log.logStartOffset();
        while (offset < endOffset) {
            FetchDataInfo data = log.read(offset, READ_BYTES, endOffset, true);
            if (data.isEmpty()) {
                break;
            }
            for (RecordBatch batch : data.records().batches()) {
                for (Record record : batch) {
                    if (record.offset() < offset || record.offset() >= endOffset) {
                        continue;
                    }
                    replay.countRecord();
                    OffsetRecordCodec.decode(record.key(), record.value())
                            .ifPresent(decoded -> replay.apply(decoded, record.offset()));
                }
                offset = batch.nextOffset();
            }
        }
        return replay.contents();
    }
}
