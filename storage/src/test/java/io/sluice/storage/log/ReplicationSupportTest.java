package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import io.sluice.storage.epoch.EpochEndOffset;
import io.sluice.storage.epoch.EpochEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Follower appends, truncation and the leader epoch cache: what the replication fetcher needs. */
class ReplicationSupportTest extends LogTestSupport {

    private PartitionLog openFollower(LogConfig config) {
        PartitionLog log = PartitionLog.open(tmp.resolve("orders-0-follower"), new TopicPartition("orders", 0), config,
            LogLoadParams.unknown(), time, scheduler);
        return log;
    }

    @Test
    void followerStoresTheLeadersBatchesByteForByte() throws Exception {
        PartitionLog leader = open(smallConfig());
        for (int i = 0; i < 20; i++) {
            leader.appendAsLeader(TestRecords.idempotentBatch(9L, (short) 0, i, START_MS + i, "v" + i), i < 10 ? 1 : 3);
        }
        PartitionLog follower = openFollower(smallConfig());
        try {
            long offset = 0;
            while (offset < leader.logEndOffset()) {
                MemoryRecords fetched = toMemory(leader.read(offset, 500, Long.MAX_VALUE, true).records());
                LogAppendInfo info = follower.appendAsFollower(fetched);
                assertThat(info.firstOffset()).isEqualTo(offset);
                offset = info.lastOffset() + 1;
            }
            assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
            assertThat(follower.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(1, 0),
                new EpochEntry(3, 10));
            assertThat(allBytes(follower)).isEqualTo(allBytes(leader));
            assertThat(follower.activeProducers().get(9L).lastSeq()).isEqualTo(19);

            MemoryRecords again = toMemory(leader.read(0, 100, Long.MAX_VALUE, true).records());
            assertThatThrownBy(() -> follower.appendAsFollower(again))
                .isInstanceOf(UnexpectedAppendOffsetException.class);
            assertThat(follower.appendAsFollower(MemoryRecords.EMPTY).firstOffset()).isEqualTo(-1);
        } finally {
            follower.closeHandlers();
        }
    }

    private static byte[] allBytes(PartitionLog log) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long offset = 0;
        while (offset < log.logEndOffset()) {
            MemoryRecords records = toMemory(log.read(offset, 1 << 20, Long.MAX_VALUE, true).records());
            out.write(records.buffer().array(), 0, records.sizeInBytes());
            offset = batches(records).get(batches(records).size() - 1).nextOffset();
        }
        return out.toByteArray();
    }

    @Test
    void followerRejectsCorruptBatches() throws Exception {
        PartitionLog leader = open(LogConfig.defaults());
        leader.appendAsLeader(TestRecords.batch(START_MS, "a", "b"), 0);
        MemoryRecords fetched = toMemory(leader.read(0, 1000, Long.MAX_VALUE, true).records());
        ByteBuffer buffer = fetched.buffer();
        buffer.put(buffer.limit() - 2, (byte) (buffer.get(buffer.limit() - 2) ^ 0x10));
        PartitionLog follower = openFollower(LogConfig.defaults());
        try {
            assertThatThrownBy(() -> follower.appendAsFollower(fetched))
                .isInstanceOf(org.apache.kafka.common.errors.CorruptRecordException.class);
            assertThat(follower.logEndOffset()).isZero();
        } finally {
            follower.closeHandlers();
        }
    }

    @Test
    void truncateToRemovesTheTailAcrossSegmentsAndTheEpochsInIt() {
        PartitionLog log = open(smallConfig());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), i < 20 ? 2 : 5);
        }
        log.updateHighWatermark(log.logEndOffset());
        int segmentsBefore = log.segments().size();
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 0), new EpochEntry(5, 40));

        assertThat(log.truncateTo(30)).isTrue();

        assertThat(log.logEndOffset()).isEqualTo(30);
        assertThat(log.highWatermark()).isEqualTo(30);
        assertThat(log.segments().size()).isLessThan(segmentsBefore);
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(2, 0));
        assertThat(log.leaderEpochCache().endOffsetFor(2, log.logEndOffset()))
            .isEqualTo(new EpochEndOffset(2, 30));
        assertThat(readAllValues(log)).hasSize(30).endsWith("x".repeat(40));
        assertThat(log.truncateTo(100)).isFalse();

        LogAppendInfo info = log.appendAsLeader(TestRecords.batch(START_MS, "after"), 6);
        assertThat(info.firstOffset()).isEqualTo(30);
    }

    @Test
    void truncateFullyRestartsTheLogAtANewOffset() {
        PartitionLog log = open(smallConfig());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.batch(START_MS, "value-" + i, "x".repeat(40)), 1);
        }
        log.truncateFullyAndStartAt(500);
        assertThat(log.logStartOffset()).isEqualTo(500);
        assertThat(log.logEndOffset()).isEqualTo(500);
        assertThat(log.highWatermark()).isEqualTo(500);
        assertThat(log.segments()).extracting(SegmentInfo::baseOffset).containsExactly(500L);
        assertThat(log.leaderEpochCache().epochEntries()).isEmpty();
        assertThat(log.appendAsLeader(TestRecords.batch(START_MS, "a"), 2).firstOffset()).isEqualTo(500);
    }

    @Test
    void newLeaderRecordsItsEpochAtTheLogEndOffset() {
        PartitionLog log = open(LogConfig.defaults());
        log.appendAsLeader(TestRecords.batch(START_MS, "a", "b"), 0);
        log.maybeAssignEpochStartOffset(3, log.logEndOffset());
        log.maybeAssignEpochStartOffset(1, 5);
        assertThat(log.leaderEpochCache().epochEntries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(3, 2));
        assertThat(log.leaderEpochCache().endOffsetFor(0, log.logEndOffset())).isEqualTo(new EpochEndOffset(0, 2));
        RecordBatch batch = batches(log.read(0, 100, Long.MAX_VALUE, true).records()).get(0);
        assertThat(batch.partitionLeaderEpoch()).isZero();
    }
}
