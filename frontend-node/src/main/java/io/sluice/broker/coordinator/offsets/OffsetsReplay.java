package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.CoordinatorRecord;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.GroupRecord;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.OffsetRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one {@code __consumer_offsets} partition while it is replayed, applying each record by its
 * <i>source offset</i> (a normal record's own log offset, a snapshot record's {@code "at"}, see
 * {@link OffsetRecordCodec}): a record changes a key only if its source offset is at least the source offset of what
 * the key holds, so a snapshot record appended after a newer commit or deletion of its key (one that was in flight
 * when the snapshot was cut) does not undo it. Deletions (tombstones) are remembered with their source offset for the
 * whole replay, so an older snapshot record does not resurrect a deleted offset or group; {@link #contents} forgets
 * them. Not thread-safe: one replay per instance.
 */
final class OffsetsReplay {
    /** The key of an offset record: (group, partition). */
    record OffsetKey(String groupId, TopicPartition partition) {
    }

    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    private final Map<String, GroupMetadata> groups = new HashMap<>();
    private final Map<OffsetKey, Long> offsetSources = new HashMap<>();
    private final Map<String, Long> groupSources = new HashMap<>();
    private int records;

    /**
     * Applies a decoded record read at {@code logOffset}.
     *
     * @return true if it changed the state, false if the key already holds something from a later source offset
     */
    boolean apply(CoordinatorRecord record, long logOffset) {
        long source = record.sourceOffset(logOffset);
        if (record instanceof OffsetRecord r) {
            return applyOffset(r, source);
        }
        GroupRecord r = (GroupRecord) record;
        if (groupSources.getOrDefault(r.groupId(), Long.MIN_VALUE) > source) {
            return false;
        }
        groupSources.put(r.groupId(), source);
        r.metadata().ifPresentOrElse(metadata -> groups.put(r.groupId(), metadata), () -> groups.remove(r.groupId()));
        return true;
    }

    /** Counts a record read from the log (whether or not it decoded or applied). */
    void countRecord() {
        records++;
    }

    private boolean applyOffset(OffsetRecord r, long source) {
        OffsetKey key = new OffsetKey(r.groupId(), r.partition());
        if (offsetSources.getOrDefault(key, Long.MIN_VALUE) > source) {
            return false;
        }
        offsetSources.put(key, source);
        if (r.offset().isPresent()) {
            offsets.computeIfAbsent(r.groupId(), g -> new ConcurrentHashMap<>()).put(r.partition(), r.offset().get());
            return true;
        }
        Map<TopicPartition, CommittedOffset> groupOffsets = offsets.get(r.groupId());
        if (groupOffsets != null) {
            groupOffsets.remove(r.partition());
            if (groupOffsets.isEmpty()) {
                offsets.remove(r.groupId());
            }
        }
        return true;
    }

    /** The live state: tombstones (deleted keys) are forgotten here. */
    OffsetsPartitionReader.Contents contents() {
        Map<OffsetKey, Long> liveOffsetSources = new HashMap<>();
        offsets.forEach((group, partitions) -> partitions.keySet().forEach(tp -> {
            OffsetKey key = new OffsetKey(group, tp);
            liveOffsetSources.put(key, offsetSources.get(key));
        }));
        Map<String, Long> liveGroupSources = new HashMap<>();
        groups.keySet().forEach(g -> liveGroupSources.put(g, groupSources.get(g)));
        return new OffsetsPartitionReader.Contents(offsets, groups, records, liveOffsetSources, liveGroupSources);
    }
}
