package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampLookupTest extends LogTestSupport {

    @Test
    void findsTheFirstOffsetWithATimestampAtOrAfterTheTarget() {
        PartitionLog log = open(smallConfig());
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + 100L * i, START_MS + 100L * i + 50), 3);
        }
        assertThat(log.segments()).hasSizeGreaterThan(1);

        assertThat(log.offsetForTimestamp(START_MS)).contains(new OffsetAndTimestamp(0, START_MS, 3));
        assertThat(log.offsetForTimestamp(START_MS + 51)).contains(new OffsetAndTimestamp(2, START_MS + 100, 3));
        assertThat(log.offsetForTimestamp(START_MS + 3_020)).contains(new OffsetAndTimestamp(61, START_MS + 3_050, 3));
        assertThat(log.offsetForTimestamp(START_MS + 4_950)).contains(new OffsetAndTimestamp(99, START_MS + 4_950, 3));
        assertThat(log.offsetForTimestamp(START_MS + 4_951)).isEmpty();
        assertThat(log.offsetForTimestamp(0)).contains(new OffsetAndTimestamp(0, START_MS, 3));
    }

    @Test
    void timestampSearchStartsAtTheLogStartOffset() {
        PartitionLog log = open(LogConfig.defaults());
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + i), 0);
        }
        log.updateHighWatermark(10);
        log.maybeIncrementLogStartOffset(4);
        assertThat(log.offsetForTimestamp(START_MS)).contains(new OffsetAndTimestamp(4, START_MS + 4, 0));
        assertThat(log.earliestOffset().offset()).isEqualTo(4);
    }

    @Test
    void maxTimestampOffsetIsTheFirstRecordWithTheLargestTimestamp() {
        PartitionLog log = open(smallConfig());
        assertThat(log.maxTimestampOffset()).isEmpty();
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + i, START_MS + i), 1);
        }
        log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + 5, START_MS + 900, START_MS + 900), 2);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + 100 + i), 2);
        }
        assertThat(log.maxTimestampOffset()).contains(new OffsetAndTimestamp(41, START_MS + 900, 2));
    }

    @Test
    void timestampLookupsSurviveAReopen() {
        LogConfig config = smallConfig();
        PartitionLog log = open(config);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + 10L * i), 0);
        }
        log.close();
        PartitionLog reopened = reopenClean(log, config);
        assertThat(reopened.offsetForTimestamp(START_MS + 255)).contains(new OffsetAndTimestamp(26, START_MS + 260, 0));
        assertThat(reopened.maxTimestampOffset()).contains(new OffsetAndTimestamp(39, START_MS + 390, 0));
        assertThat(reopened.segments().get(0).largestTimestamp()).isLessThan(START_MS + 390);
    }
}
