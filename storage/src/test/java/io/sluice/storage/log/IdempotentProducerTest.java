package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotentProducerTest extends LogTestSupport {
    private static final long PID = 4242L;

    private LogAppendInfo send(PartitionLog log, short epoch, int sequence, String... values) {
        return log.appendAsLeader(TestRecords.idempotentBatch(PID, epoch, sequence, START_MS, values), 0);
    }

    @Test
    void retriedBatchGetsItsOriginalOffsetsAndIsNotAppendedTwice() {
        PartitionLog log = open(LogConfig.defaults());
        send(log, (short) 0, 0, "a", "b");
        LogAppendInfo second = send(log, (short) 0, 2, "c", "d", "e");
        send(log, (short) 0, 5, "f");
        long endBefore = log.logEndOffset();

        LogAppendInfo retry = send(log, (short) 0, 2, "c", "d", "e");

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(second.firstOffset()).isEqualTo(2);
        assertThat(retry.lastOffset()).isEqualTo(second.lastOffset()).isEqualTo(4);
        assertThat(retry.numRecords()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(endBefore);
        assertThat(readAllValues(log)).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void sequenceGapIsOutOfOrderSequenceAndNothingIsAppended() {
        PartitionLog log = open(LogConfig.defaults());
        send(log, (short) 0, 0, "a");
        assertThatThrownBy(() -> send(log, (short) 0, 2, "c"))
            .isInstanceOf(OutOfOrderSequenceException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER));
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(send(log, (short) 0, 1, "b").firstOffset()).isEqualTo(1);
    }

    @Test
    void olderProducerEpochIsInvalidProducerEpoch() {
        PartitionLog log = open(LogConfig.defaults());
        send(log, (short) 2, 0, "a");
        assertThatThrownBy(() -> send(log, (short) 1, 1, "b"))
            .isInstanceOf(InvalidProducerEpochException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH));
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void newProducerEpochMustStartAtSequenceZero() {
        PartitionLog log = open(LogConfig.defaults());
        send(log, (short) 0, 0, "a");
        assertThatThrownBy(() -> send(log, (short) 1, 1, "b")).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(send(log, (short) 1, 0, "b").duplicate()).isFalse();
    }

    @Test
    void producerStateSurvivesACleanRestart() {
        LogConfig config = LogConfig.defaults();
        PartitionLog log = open(config);
        send(log, (short) 0, 0, "a", "b");
        send(log, (short) 0, 2, "c");
        log.close();
        assertThat(logDir().resolve("00000000000000000003.snapshot")).exists();

        PartitionLog reopened = reopenClean(log, config);
        LogAppendInfo retry = send(reopened, (short) 0, 2, "c");
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(2);
        assertThatThrownBy(() -> send(reopened, (short) 0, 9, "x")).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(send(reopened, (short) 0, 3, "d").firstOffset()).isEqualTo(3);
    }

    @Test
    void producerStateIsRebuiltFromSnapshotAndLogAfterACrash() {
        LogConfig config = smallConfig();
        PartitionLog log = open(config);
        int sequence = 0;
        for (int i = 0; i < 30; i++) {
            send(log, (short) 0, sequence, "value-" + i, "x".repeat(50));
            sequence += 2;
        }
        assertThat(log.segments()).hasSizeGreaterThan(1);
        LogAppendInfo last = send(log, (short) 0, sequence, "last");

        PartitionLog recovered = crashAndReopen(log, config);
        LogAppendInfo retry = send(recovered, (short) 0, sequence, "last");
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(last.firstOffset());
        assertThat(send(recovered, (short) 0, sequence - 2, "value-29", "x".repeat(50)).duplicate()).isTrue();
        assertThat(send(recovered, (short) 0, sequence + 1, "next").duplicate()).isFalse();
    }

    @Test
    void truncationForgetsTruncatedBatches() {
        PartitionLog log = open(LogConfig.defaults());
        send(log, (short) 0, 0, "a");
        send(log, (short) 0, 1, "b");
        send(log, (short) 0, 2, "c");
        assertThat(log.truncateTo(2)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(2);
        LogAppendInfo resent = send(log, (short) 0, 2, "c");
        assertThat(resent.duplicate()).isFalse();
        assertThat(resent.firstOffset()).isEqualTo(2);
        assertThat(send(log, (short) 0, 1, "b").duplicate()).isTrue();
    }

    @Test
    void idleProducersExpire() {
        PartitionLog log = open(LogConfig.defaults().withProducerIdExpirationMs(60_000));
        send(log, (short) 0, 0, "a");
        time.advance(59_999);
        assertThat(log.removeExpiredProducers()).isZero();
        time.advance(1);
        assertThat(log.removeExpiredProducers()).isEqualTo(1);
        assertThat(log.activeProducers()).isEmpty();
        assertThat(send(log, (short) 0, 7, "any sequence after expiry").duplicate()).isFalse();
    }
}
