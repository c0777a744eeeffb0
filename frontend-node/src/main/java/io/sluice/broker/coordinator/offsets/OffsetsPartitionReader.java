package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.GroupRecord;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.OffsetRecord;
import io.sluice.storage.log.FetchDataInfo;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replays one {@code __consumer_offsets} partition from its log start offset to its log end offset (Kafka's
 * coordinator load): the last record per key wins and tombstones delete, giving every group's committed offsets and
 * the last stored metadata of every group that was not deleted. Records of unknown types or versions are skipped.
 * Blocking (reads the log); not thread-safe, one call per load.
 */
final class OffsetsPartitionReader {
    private static final int READ_BYTES = 1 << 20;

    /**
     * What a partition holds.
     *
     * @param offsets committed offsets: group → partition → offset (mutable, concurrent maps: they become the live
     *                in-memory copy)
     * @param groups  each group's last stored metadata
     * @param records how many records were read
     */
    record Contents(Map<String, Map<TopicPartition, CommittedOffset>> offsets, Map<String, GroupMetadata> groups,
                    int records) {
    }

    private OffsetsPartitionReader() {
    }

    static Contents read(PartitionLog log) {
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
        Map<String, GroupMetadata> groups = new HashMap<>();
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        int records = 0;
        while (offset < end) {
            FetchDataInfo data = log.read(offset, READ_BYTES, end, true);
            if (data.isEmpty()) {
                break;
            }
            for (RecordBatch batch : data.records().batches()) {
                for (Record record : batch) {
                    if (record.offset() < offset) {
                        continue;
                    }
                    records++;
                    OffsetRecordCodec.decode(record.key(), record.value()).ifPresent(decoded -> {
                        if (decoded instanceof OffsetRecord r) {
                            applyOffset(offsets, r);
                        } else if (decoded instanceof GroupRecord r) {
                            r.metadata().ifPresentOrElse(metadata -> groups.put(r.groupId(), metadata),
                                    () -> groups.remove(r.groupId()));
                        }
                    });
                }
                offset = batch.nextOffset();
            }
        }
        return new Contents(offsets, groups, records);
    }

    private static void applyOffset(Map<String, Map<TopicPartition, CommittedOffset>> groups, OffsetRecord r) {
        if (r.offset().isPresent()) {
            groups.computeIfAbsent(r.groupId(), g -> new ConcurrentHashMap<>()).put(r.partition(), r.offset().get());
            return;
        }
        Map<TopicPartition, CommittedOffset> offsets = groups.get(r.groupId());
        if (offsets != null) {
            offsets.remove(r.partition());
            if (offsets.isEmpty()) {
                groups.remove(r.groupId());
            }
        }
    }
}
