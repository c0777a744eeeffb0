package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.storage.log.LogConfig;
import io.sluice.storage.log.LogLoadParams;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replaying a real {@code __consumer_offsets} partition log (files in a temp dir, several segments) into committed
 * offsets and group metadata: the last record per key wins, tombstones delete, foreign records are skipped.
 */
class OffsetsPartitionReaderTest {
    private static final TopicPartition OFFSETS_0 = new TopicPartition(OffsetsTopic.NAME, 0);
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private PartitionLog log;

    @BeforeEach
    void open() {
        log = PartitionLog.open(dir.resolve(OFFSETS_0.toString()), OFFSETS_0, LogConfig.defaults(),
                LogLoadParams.unknown(), Time.SYSTEM, scheduler);
    }

    @AfterEach
    void close() {
        log.close();
        scheduler.shutdownNow();
    }

    private void append(SimpleRecord... records) {
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records), 0);
    }

    private static SimpleRecord offset(String group, TopicPartition tp, long offset) {
        return new SimpleRecord(0L, OffsetRecordCodec.key(group, tp),
                OffsetRecordCodec.value(new CommittedOffset(offset, 1, "", 0L)));
    }

    private static SimpleRecord group(GroupMetadata metadata) {
        return new SimpleRecord(0L, OffsetRecordCodec.groupKey(metadata.groupId()),
                OffsetRecordCodec.groupValue(metadata));
    }

    private static GroupMetadata generation(String groupId, int generation) {
        GroupMetadata template = OffsetRecordCodecTest.stableGroup();
        return new GroupMetadata(groupId, template.protocolType(), generation, template.protocolName(),
                template.leaderId(), 0L, template.members());
    }

    @Test
    void theLastRecordPerKeyWinsAcrossSegmentsAndTombstonesDelete() {
        append(offset("a", ORDERS_0, 5), group(generation("a", 1)), group(generation("b", 1)));
        log.roll();
        append(offset("a", ORDERS_0, 9), offset("a", ORDERS_1, 3), group(generation("a", 2)));
        log.roll();
        append(new SimpleRecord(0L, OffsetRecordCodec.key("a", ORDERS_1), null),
                new SimpleRecord(0L, OffsetRecordCodec.groupKey("b"), null),
                offset("b", ORDERS_0, 1),
                new SimpleRecord(0L, "not ours".getBytes(StandardCharsets.UTF_8), new byte[]{1}),
                new SimpleRecord(0L, null, new byte[]{1}));
        assertThat(log.segments()).hasSize(3);

        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log);

        assertThat(contents.records()).isEqualTo(11);
        assertThat(contents.offsets()).containsOnlyKeys("a", "b");
        assertThat(contents.offsets().get("a")).containsOnlyKeys(ORDERS_0);
        assertThat(contents.offsets().get("a").get(ORDERS_0).offset()).isEqualTo(9);
        assertThat(contents.offsets().get("b").get(ORDERS_0).offset()).isEqualTo(1);
        assertThat(contents.groups()).containsOnlyKeys("a");
        assertThat(contents.groups().get("a")).isEqualTo(generation("a", 2));
    }

    @Test
    void recordsBelowTheLogStartOffsetAreNotReplayed() {
        append(group(generation("a", 1)), offset("a", ORDERS_0, 5));
        log.roll();
        append(group(generation("a", 2)));
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.maybeIncrementLogStartOffset(2)).isTrue();

        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log);

        assertThat(contents.records()).isEqualTo(1);
        assertThat(contents.offsets()).isEmpty();
        assertThat(contents.groups()).isEqualTo(Map.of("a", generation("a", 2)));
    }

    private static SimpleRecord snapshotOffset(String group, TopicPartition tp, long offset, long at) {
        return new SimpleRecord(0L, OffsetRecordCodec.key(group, tp),
                OffsetRecordCodec.value(new CommittedOffset(offset, 1, "", 0L), OptionalLong.of(at)));
    }

    private static SimpleRecord snapshotGroup(GroupMetadata metadata, long at) {
        return new SimpleRecord(0L, OffsetRecordCodec.groupKey(metadata.groupId()),
                OffsetRecordCodec.groupValue(metadata, OptionalLong.of(at)));
    }

    @Test
    void anOlderSnapshotRecordNeverOverridesANewerRecordOrTombstone() {
        // offsets 0..4: the records a snapshot copied, then commits that were in flight when it was cut at 2
        append(offset("a", ORDERS_0, 5), group(generation("a", 1)));
        append(offset("a", ORDERS_0, 9),
                new SimpleRecord(0L, OffsetRecordCodec.key("a", ORDERS_1), null),
                new SimpleRecord(0L, OffsetRecordCodec.groupKey("b"), null));
        log.roll();
        // offsets 5..: snapshot records of an older state (cut at 2), each with the offset of the record it copies
        append(snapshotOffset("a", ORDERS_0, 5, 0), snapshotOffset("a", ORDERS_1, 3, 1), snapshotGroup(generation("a", 1), 1),
                snapshotGroup(generation("b", 4), 1));

        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log);

        assertThat(contents.offsets()).containsOnlyKeys("a");
        assertThat(contents.offsets().get("a")).containsOnlyKeys(ORDERS_0);
        assertThat(contents.offsets().get("a").get(ORDERS_0).offset()).isEqualTo(9);
        assertThat(contents.groups()).isEqualTo(Map.of("a", generation("a", 1)));
        assertThat(contents.offsetSources()).containsExactlyEntriesOf(
                Map.of(new OffsetsReplay.OffsetKey("a", ORDERS_0), 2L));
        assertThat(contents.groupSources()).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void aSnapshotRecordAppliesWhenItIsTheNewestSourceAndKeepsItsSourceOffset() {
        log.truncateFullyAndStartAt(50);
        append(snapshotOffset("a", ORDERS_0, 7, 40), snapshotGroup(generation("a", 3), 41),
                snapshotOffset("a", ORDERS_1, 2, 12));
        append(offset("a", ORDERS_1, 8));

        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log);

        assertThat(contents.offsets().get("a").get(ORDERS_0).offset()).isEqualTo(7);
        assertThat(contents.offsets().get("a").get(ORDERS_1).offset()).isEqualTo(8);
        assertThat(contents.groups()).isEqualTo(Map.of("a", generation("a", 3)));
        // a newer snapshot copies these with the original source offsets, not where it read them
        assertThat(contents.offsetSources()).isEqualTo(Map.of(new OffsetsReplay.OffsetKey("a", ORDERS_0), 40L,
                new OffsetsReplay.OffsetKey("a", ORDERS_1), 53L));
        assertThat(contents.groupSources()).isEqualTo(Map.of("a", 41L));
    }

    @Test
    void readingUpToTheHighWatermarkSeesOnlyCommittedRecords() {
        append(offset("a", ORDERS_0, 5));
        append(offset("a", ORDERS_0, 6), group(generation("a", 1)));

        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log, 1);

        assertThat(contents.records()).isEqualTo(1);
        assertThat(contents.offsets().get("a").get(ORDERS_0).offset()).isEqualTo(5);
        assertThat(contents.groups()).isEmpty();
    }

    @Test
    void anEmptyLogHasNothing() {
        OffsetsPartitionReader.Contents contents = OffsetsPartitionReader.read(log);

        assertThat(contents.records()).isZero();
        assertThat(contents.offsets()).isEmpty();
        assertThat(contents.groups()).isEmpty();
    }
}
