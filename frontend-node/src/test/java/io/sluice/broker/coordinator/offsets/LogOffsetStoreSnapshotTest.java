package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.coordinator.group.CommittedOffset;
import io.sluice.broker.coordinator.group.GroupMetadata;
import io.sluice.broker.partition.Partition;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.storage.log.LogConfig;
import io.sluice.storage.log.LogLoadParams;
import io.sluice.storage.log.PartitionLog;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshot + cut of a real {@code __consumer_offsets} partition (files in a temp dir, small segments) led by this
 * broker through a real {@link ReplicaManager}, with replicas {1, 2} both in the ISR and {@code min.insync.replicas}
 * 2: the test plays follower 2, so it decides when the high watermark passes a write, which lets it interleave
 * commits and snapshot writes deterministically.
 */
class LogOffsetStoreSnapshotTest {
    private static final TopicPartition OFFSETS_0 = new TopicPartition(OffsetsTopic.NAME, 0);
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final int MIN_RECORDS = 20;

    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private PartitionLog log;
    private Partition partition;
    private ReplicaManager replicaManager;
    private OffsetsTopic topic;
    private LogOffsetStore store;

    @BeforeEach
    void open() {
        log = PartitionLog.open(dir.resolve(OFFSETS_0.toString()), OFFSETS_0, LogConfig.defaults().withSegmentBytes(1024),
                LogLoadParams.unknown(), Time.SYSTEM, scheduler);
        replicaManager = new ReplicaManager(1, scheduler, Time.SYSTEM, null, id -> true, Long.MAX_VALUE / 4);
        partition = new Partition(new TopicIdPartition(Uuid.randomUuid(), OFFSETS_0), 1, log,
                new PartitionState(1, 0, List.of(1, 2), List.of(1, 2), 0), 2, Time.SYSTEM.milliseconds());
        replicaManager.addPartition(partition);
        topic = new OffsetsTopic(Map.of(OffsetsTopic.NUM_PARTITIONS, "1",
                OffsetsTopic.SNAPSHOT_MIN_RECORDS, Integer.toString(MIN_RECORDS)), null, () -> MetadataImage.EMPTY);
        store = newCoordinator(new HashMap<>());
    }

    @AfterEach
    void close() {
        log.close();
        scheduler.shutdownNow();
    }

    /** A coordinator that loads the partition now; the groups it loads are put in {@code loadedGroups}. */
    private LogOffsetStore newCoordinator(Map<String, GroupMetadata> loadedGroups) {
        LogOffsetStore coordinator = new LogOffsetStore(topic, replicaManager, Time.SYSTEM, 5_000);
        coordinator.setGroupLoadListener((Collection<GroupMetadata> groups) -> {
            groups.forEach(g -> loadedGroups.put(g.groupId(), g));
            return CompletableFuture.completedFuture(null);
        });
        coordinator.refreshOwnership();
        assertThat(coordinator.owns("any")).isTrue();
        return coordinator;
    }

    /** Follower 2 fetches everything the leader has: the high watermark moves to the log end offset. */
    private void replicate() {
        partition.updateFollowerFetchState(2, log.logEndOffset(), Time.SYSTEM.milliseconds());
        replicaManager.onHighWatermarkChanged(OFFSETS_0);
    }

    private static CommittedOffset offset(long value) {
        return new CommittedOffset(value, 1, "", 1_000L + value);
    }

    private void commit(String group, TopicPartition tp, long value) {
        CompletableFuture<?> done = store.commit(group, Map.of(tp, offset(value)));
        replicate();
        done.join();
    }

    private void storeGroup(GroupMetadata group) {
        CompletableFuture<Void> done = store.storeGroup(group);
        replicate();
        done.join();
    }

    private static GroupMetadata generation(String groupId, int generation) {
        GroupMetadata template = OffsetRecordCodecTest.stableGroup();
        return new GroupMetadata(groupId, template.protocolType(), generation, template.protocolName(),
                template.leaderId(), 0L, template.members());
    }

    private Optional<OffsetsSnapshotWriter.Result> snapshot() {
        CompletableFuture<Optional<OffsetsSnapshotWriter.Result>> written = store.snapshotIfDue(0);
        replicate();
        return written.join();
    }

    @Test
    void repeatedSnapshotsKeepThePartitionBoundedAndOldSegmentsAreDeleted() {
        List<String> groups = List.of("g0", "g1", "g2");
        groups.forEach(g -> storeGroup(generation(g, 1)));
        long value = 0;
        List<OffsetsSnapshotWriter.Result> results = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            for (int i = 0; i < 30; i++) {
                String group = groups.get(i % 3);
                commit(group, i % 2 == 0 ? ORDERS_0 : ORDERS_1, ++value);
            }
            storeGroup(generation("g1", round + 2));
            snapshot().ifPresent(results::add);
            log.deleteRetentionBreachedSegments();
            // 3 groups × 2 partitions + 3 groups' metadata = 9 live keys: a snapshot is due above max(20, 36) records
            assertThat(log.logEndOffset() - log.logStartOffset()).isLessThanOrEqualTo(36);
        }

        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(r -> {
            assertThat(r.snapshotRecords()).isEqualTo(9);
            assertThat(r.liveGroups()).isEqualTo(3);
            assertThat(r.recordsAfter()).isEqualTo(9);
            assertThat(r.recordsBefore()).isGreaterThan(MIN_RECORDS);
        });
        OffsetsSnapshotWriter.Result last = results.get(results.size() - 1);
        assertThat(log.logStartOffset()).isGreaterThanOrEqualTo(last.cut()).isGreaterThan(200);
        assertThat(log.segments().get(0).baseOffset()).isGreaterThan(200);
        assertThat(log.segments().size()).isLessThan(10);

        Map<TopicPartition, CommittedOffset> before = store.fetch("g0", Optional.empty());
        Map<String, GroupMetadata> loaded = new HashMap<>();
        LogOffsetStore next = newCoordinator(loaded);
        for (String g : groups) {
            assertThat(next.fetch(g, Optional.empty())).isEqualTo(store.fetch(g, Optional.empty()));
        }
        // the last values written: commit 240 (i = 29 of the last round) was g2/ORDERS_1
        assertThat(next.fetch("g2", Optional.empty()).get(ORDERS_1)).isEqualTo(offset(240));
        assertThat(next.fetch("g0", Optional.empty())).isEqualTo(before).hasSize(2);
        assertThat(loaded).containsOnlyKeys(groups);
        assertThat(loaded.get("g1")).isEqualTo(generation("g1", 9));
        assertThat(loaded.get("g0")).isEqualTo(generation("g0", 1));
    }

    @Test
    void commitsAndDeletionsInFlightDuringASnapshotSurviveIt() {
        commit("g", ORDERS_0, 1);
        commit("g", ORDERS_1, 1);
        commit("h", ORDERS_0, 1);
        storeGroup(generation("g", 1));
        storeGroup(generation("h", 1));
        for (int i = 2; i < MIN_RECORDS + 2; i++) {
            commit("g", ORDERS_1, i);
        }
        long cutExpected = log.highWatermark();

        // appended but not yet replicated: above the high watermark when the snapshot is cut
        CompletableFuture<?> inFlightCommit = store.commit("g", Map.of(ORDERS_0, offset(100)));
        CompletableFuture<Void> inFlightDelete = store.deleteGroup("h");
        CompletableFuture<Optional<OffsetsSnapshotWriter.Result>> snapshot = store.snapshotIfDue(0);
        long snapshotStart = cutExpected + 3;
        assertThat(log.logEndOffset()).isEqualTo(snapshotStart + 5);
        assertThat(log.logStartOffset()).isZero();
        replicate();

        inFlightCommit.join();
        inFlightDelete.join();
        OffsetsSnapshotWriter.Result result = snapshot.join().orElseThrow();
        assertThat(result.cut()).isEqualTo(cutExpected);
        assertThat(result.snapshotRecords()).isEqualTo(5);
        assertThat(log.logStartOffset()).isEqualTo(cutExpected);
        // the snapshot did not touch the running coordinator's memory
        assertThat(store.fetch("g", Optional.empty()))
                .isEqualTo(Map.of(ORDERS_0, offset(100), ORDERS_1, offset(MIN_RECORDS + 1)));
        assertThat(store.fetch("h", Optional.empty())).isEmpty();

        Map<String, GroupMetadata> loaded = new HashMap<>();
        LogOffsetStore next = newCoordinator(loaded);
        assertThat(next.fetch("g", Optional.empty()))
                .isEqualTo(Map.of(ORDERS_0, offset(100), ORDERS_1, offset(MIN_RECORDS + 1)));
        assertThat(next.fetch("h", Optional.empty())).isEmpty();
        assertThat(next.groupsWithOffsets()).containsOnly("g");
        assertThat(loaded).isEqualTo(Map.of("g", generation("g", 1)));
    }

    @Test
    void noSnapshotWhileThePartitionIsSmall() {
        for (int i = 1; i <= MIN_RECORDS; i++) {
            commit("g", ORDERS_0, i);
        }

        assertThat(snapshot()).isEmpty();
        assertThat(log.logStartOffset()).isZero();

        commit("g", ORDERS_0, MIN_RECORDS + 1);
        assertThat(snapshot()).isPresent();
        assertThat(log.logStartOffset()).isEqualTo(MIN_RECORDS + 1);
    }

    @Test
    void aSnapshotThatIsNotAcknowledgedLeavesTheLogStartOffsetAlone() {
        for (int i = 1; i <= MIN_RECORDS + 1; i++) {
            commit("g", ORDERS_0, i);
        }
        // follower 2 leaves the ISR: min.insync.replicas 2 refuses acks=all appends
        partition.updateState(new PartitionState(1, 0, List.of(1, 2), List.of(1), 1), 2,
                Time.SYSTEM.milliseconds());

        CompletableFuture<Optional<OffsetsSnapshotWriter.Result>> snapshot = store.snapshotIfDue(0);

        assertThat(snapshot).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(org.apache.kafka.common.errors.NotEnoughReplicasException.class);
        assertThat(log.logStartOffset()).isZero();
        assertThat(newCoordinator(new HashMap<>()).fetch("g", Optional.empty()))
                .isEqualTo(Map.of(ORDERS_0, offset(MIN_RECORDS + 1)));
    }
}
