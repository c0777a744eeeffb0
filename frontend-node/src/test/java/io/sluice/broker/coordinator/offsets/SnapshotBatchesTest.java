package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.coordinator.offsets.OffsetRecordCodec.CoordinatorRecord;
import io.sluice.broker.coordinator.offsets.OffsetsReplay.OffsetKey;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot records: one per live key with its source offset, packed into batches within {@code max.message.bytes}. */
class SnapshotBatchesTest {
    private static OffsetsPartitionReader.Contents contents(int groups, int partitions) {
        Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
        Map<OffsetKey, Long> offsetSources = new HashMap<>();
        Map<String, GroupMetadata> metadata = new HashMap<>();
        Map<String, Long> groupSources = new HashMap<>();
        long source = 0;
        for (int g = 0; g < groups; g++) {
            String group = "group-" + g;
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition("orders", p);
                offsets.computeIfAbsent(group, k -> new ConcurrentHashMap<>()).put(tp,
                        new CommittedOffset(1000 + p, 2, "", 5L));
                offsetSources.put(new OffsetKey(group, tp), source++);
            }
            GroupMetadata template = OffsetRecordCodecTest.stableGroup();
            metadata.put(group, new GroupMetadata(group, template.protocolType(), g, template.protocolName(),
                    template.leaderId(), 0L, template.members()));
            groupSources.put(group, source++);
        }
        return new OffsetsPartitionReader.Contents(offsets, metadata, 0, offsetSources, groupSources);
    }

    @Test
    void everyLiveKeyIsCopiedOnceWithItsSourceOffsetInBatchesWithinTheLimit() {
        OffsetsPartitionReader.Contents contents = contents(20, 10);
        int maxBytes = 4096;

        List<MemoryRecords> batches = SnapshotBatches.of(contents, 42L, maxBytes);

        assertThat(batches.size()).isGreaterThan(1);
        OffsetsReplay replay = new OffsetsReplay();
        List<Long> sources = new ArrayList<>();
        int count = 0;
        for (MemoryRecords records : batches) {
            assertThat(records.sizeInBytes()).isLessThanOrEqualTo(maxBytes);
            for (RecordBatch batch : records.batches()) {
                for (Record record : batch) {
                    count++;
                    assertThat(record.timestamp()).isEqualTo(42L);
                    CoordinatorRecord decoded = OffsetRecordCodec.decode(record.key(), record.value()).orElseThrow();
                    sources.add(decoded.sourceOffset(Long.MAX_VALUE));
                    assertThat(replay.apply(decoded, 1_000_000 + count)).isTrue();
                }
            }
        }
        assertThat(count).isEqualTo(220);
        assertThat(sources).doesNotHaveDuplicates().allMatch(s -> s < 220);
        OffsetsPartitionReader.Contents copied = replay.contents();
        assertThat(copied.offsets()).isEqualTo(contents.offsets());
        assertThat(copied.groups()).isEqualTo(contents.groups());
        assertThat(copied.offsetSources()).isEqualTo(contents.offsetSources());
        assertThat(copied.groupSources()).isEqualTo(contents.groupSources());
    }

    @Test
    void allFitsInOneBatchUnderTheDefaultLimitAndNothingLiveMeansNoBatch() {
        assertThat(SnapshotBatches.of(contents(20, 10), 0L, 1024 * 1024 + 12)).hasSize(1);
        assertThat(SnapshotBatches.of(contents(0, 0), 0L, 1024)).isEmpty();
    }

    @Test
    void aRecordLargerThanTheLimitGetsABatchOfItsOwn() {
        List<MemoryRecords> batches = SnapshotBatches.of(contents(3, 0), 0L, 100);

        assertThat(batches).hasSize(3);
        assertThat(OptionalLong.of(batches.get(0).sizeInBytes()).getAsLong()).isGreaterThan(100);
    }
}
