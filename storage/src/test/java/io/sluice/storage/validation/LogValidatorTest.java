package io.sluice.storage.validation;

import io.sluice.storage.AppendOrigin;
import io.sluice.storage.TestRecords;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogValidatorTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int ATTRIBUTES_OFFSET = 21;

    private static ValidationResult validate(MemoryRecords records, long firstOffset, TimestampType type) {
        AnalyzedRecords analyzed = RecordsAnalyzer.analyze(records, TP, AppendOrigin.CLIENT, 1_000_000);
        return LogValidator.validateAndAssignOffsets(analyzed.records(), TP, firstOffset, 7, NOW, type,
            Long.MAX_VALUE, 3_600_000L);
    }

    /** Recomputes a v2 batch's CRC after a test edited its header. */
    private static void fixCrc(ByteBuffer buffer) {
        long crc = Crc32C.compute(buffer, ATTRIBUTES_OFFSET, buffer.limit() - ATTRIBUTES_OFFSET);
        ByteUtils.writeUnsignedInt(buffer, DefaultRecordBatch.CRC_OFFSET, crc);
    }

    @Test
    void assignsOffsetsAndLeaderEpochInPlaceKeepingCreateTime() {
        MemoryRecords records = TestRecords.batchWithTimestamps(NOW - 5, NOW - 1, NOW - 3);
        ValidationResult result = validate(records, 100, TimestampType.CREATE_TIME);

        assertThat(result.firstOffset()).isEqualTo(100);
        assertThat(result.lastOffset()).isEqualTo(102);
        assertThat(result.numRecords()).isEqualTo(3);
        assertThat(result.maxTimestamp()).isEqualTo(NOW - 1);
        assertThat(result.offsetOfMaxTimestamp()).isEqualTo(101);
        assertThat(result.logAppendTime()).isEqualTo(RecordBatch.NO_TIMESTAMP);
        MutableRecordBatch batch = records.batches().iterator().next();
        assertThat(batch.baseOffset()).isEqualTo(100);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(7);
        assertThat(batch.isValid()).isTrue();
        assertThat(TestRecords.offsets(records)).containsExactly(100L, 101L, 102L);
    }

    @Test
    void logAppendTimeStampsBrokerTimeAndKeepsTheCrcValid() {
        MemoryRecords records = TestRecords.batch(Compression.lz4().build(), 5, "a", "b");
        ValidationResult result = validate(records, 0, TimestampType.LOG_APPEND_TIME);
        RecordBatch batch = records.batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(NOW);
        assertThat(batch.isValid()).isTrue();
        assertThat(result.logAppendTime()).isEqualTo(NOW);
        assertThat(records.records().iterator().next().timestamp()).isEqualTo(NOW);
    }

    @Test
    void corruptCrcIsCorruptMessage() {
        MemoryRecords records = TestRecords.batch(NOW, "a", "b");
        ByteBuffer buffer = records.buffer();
        buffer.put(buffer.limit() - 1, (byte) (buffer.get(buffer.limit() - 1) ^ 0x01));
        assertThatThrownBy(() -> validate(records, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(CorruptRecordException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.CORRUPT_MESSAGE));
    }

    @Test
    void batchOverMaxMessageBytesIsMessageTooLarge() {
        MemoryRecords records = TestRecords.batch(NOW, "x".repeat(2000));
        assertThatThrownBy(() -> RecordsAnalyzer.analyze(records, TP, AppendOrigin.CLIENT, 1000))
            .isInstanceOf(RecordTooLargeException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.MESSAGE_TOO_LARGE));
        assertThat(RecordsAnalyzer.analyze(records, TP, AppendOrigin.REPLICATION, -1).batchCount()).isEqualTo(1);
    }

    @Test
    void countThatDisagreesWithLastOffsetDeltaIsInvalidRecord() {
        MemoryRecords records = TestRecords.batch(NOW, "a", "b", "c");
        ByteBuffer buffer = records.buffer();
        buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 2);
        fixCrc(buffer);
        assertThatThrownBy(() -> validate(records, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("Inconsistent batch offset range")
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_RECORD));
    }

    @Test
    void countThatDisagreesWithTheRecordsIsInvalidRecord() {
        MemoryRecords records = TestRecords.batch(NOW, "a", "b", "c");
        ByteBuffer buffer = records.buffer();
        buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 2);
        buffer.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 1);
        fixCrc(buffer);
        assertThatThrownBy(() -> validate(records, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void compressedCountMismatchIsInvalidRecord() {
        MemoryRecords records = TestRecords.batch(Compression.gzip().build(), NOW, "a", "b", "c");
        ByteBuffer buffer = records.buffer();
        buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 4);
        buffer.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 3);
        fixCrc(buffer);
        assertThatThrownBy(() -> validate(records, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void nonConsecutiveOffsetDeltasAreInvalidRecord() {
        MemoryRecords records = TestRecords.batchWithOffsets(NOW, 0, 2, 3);
        assertThatThrownBy(() -> validate(records, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void producerBatchMustStartAtOffsetZeroAndBeASingleBatch() {
        MemoryRecords nonZero = MemoryRecords.withRecords(5L, Compression.NONE, TestRecords.simpleRecords(NOW, "a"));
        assertThatThrownBy(() -> RecordsAnalyzer.analyze(nonZero, TP, AppendOrigin.CLIENT, 1_000_000))
            .isInstanceOf(InvalidRecordException.class).hasMessageContaining("should be 0");

        ByteBuffer two = ByteBuffer.allocate(1000);
        two.put(TestRecords.batch(NOW, "a").buffer());
        two.put(TestRecords.batch(NOW, "b").buffer());
        two.flip();
        assertThatThrownBy(() -> validate(MemoryRecords.readableRecords(two), 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class).hasMessageContaining("exactly one record batch");
    }

    @Test
    void olderMagicIsRejected() {
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
            new SimpleRecord(NOW, "a".getBytes()));
        assertThatThrownBy(() -> RecordsAnalyzer.analyze(v1, TP, AppendOrigin.CLIENT, 1_000_000))
            .isInstanceOf(InvalidRecordException.class).hasMessageContaining("magic");
    }

    @Test
    void controlAndTransactionalBatchesFromClientsAreRejected() {
        MemoryRecords control = MemoryRecords.withEndTransactionMarker(0L, 9L, (short) 0,
            new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        assertThatThrownBy(() -> validate(control, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class).hasMessageContaining("control");
        MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, 9L, (short) 0, 0,
            TestRecords.simpleRecords(NOW, "a"));
        assertThatThrownBy(() -> validate(transactional, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidRecordException.class).hasMessageContaining("Transactional");
    }

    @Test
    void timestampsOutsideTheBoundsAreInvalidTimestamp() {
        MemoryRecords future = TestRecords.batch(NOW + 3_600_001L, "a");
        assertThatThrownBy(() -> validate(future, 0, TimestampType.CREATE_TIME))
            .isInstanceOf(InvalidTimestampException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_TIMESTAMP));
        validate(TestRecords.batch(NOW + 3_600_000L, "a"), 0, TimestampType.CREATE_TIME);
        validate(TestRecords.batch(NOW + 3_600_001L, "a"), 0, TimestampType.LOG_APPEND_TIME);

        AnalyzedRecords old = RecordsAnalyzer.analyze(TestRecords.batch(NOW - 1001, "a"), TP, AppendOrigin.CLIENT, 10_000);
        assertThatThrownBy(() -> LogValidator.validateAndAssignOffsets(old.records(), TP, 0, 0, NOW,
            TimestampType.CREATE_TIME, 1000, 1000)).isInstanceOf(InvalidTimestampException.class);
    }

    @Test
    void trailingPartialBatchIsTrimmed() {
        MemoryRecords one = TestRecords.batch(NOW, "a");
        ByteBuffer withTail = ByteBuffer.allocate(one.sizeInBytes() + 20);
        withTail.put(one.buffer().duplicate());
        withTail.put(TestRecords.batch(NOW, "partial").buffer().duplicate().limit(20));
        withTail.flip();
        AnalyzedRecords analyzed = RecordsAnalyzer.analyze(MemoryRecords.readableRecords(withTail), TP,
            AppendOrigin.CLIENT, 10_000);
        assertThat(analyzed.validBytes()).isEqualTo(one.sizeInBytes());
        assertThat(analyzed.records().sizeInBytes()).isEqualTo(one.sizeInBytes());
    }

    @Test
    void followerBatchesMustIncrease() {
        ByteBuffer buffer = ByteBuffer.allocate(1000);
        buffer.put(MemoryRecords.withRecords(10L, Compression.NONE, TestRecords.simpleRecords(NOW, "a", "b")).buffer());
        buffer.put(MemoryRecords.withRecords(11L, Compression.NONE, TestRecords.simpleRecords(NOW, "c")).buffer());
        buffer.flip();
        assertThatThrownBy(() -> RecordsAnalyzer.analyze(MemoryRecords.readableRecords(buffer), TP,
            AppendOrigin.REPLICATION, -1)).isInstanceOf(OffsetsOutOfOrderException.class);
    }
}
