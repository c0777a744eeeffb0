package io.sluice.storage.index;

import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeIndexTest {
    @TempDir
    Path dir;

    @Test
    void onlyAppendsIncreasingTimestampsAndLooksUpLargestTimestampAtOrBelowTarget() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("0.timeindex"), 50, 1200);
        assertThat(index.lookup(1000)).isEqualTo(new TimestampOffset(RecordBatch.NO_TIMESTAMP, 50));
        index.maybeAppend(1000, 60);
        index.maybeAppend(1000, 70);
        index.maybeAppend(2000, 80);
        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.lookup(999)).isEqualTo(new TimestampOffset(RecordBatch.NO_TIMESTAMP, 50));
        assertThat(index.lookup(1500)).isEqualTo(new TimestampOffset(1000, 60));
        assertThat(index.lookup(5000)).isEqualTo(new TimestampOffset(2000, 80));
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(2000, 80));
        assertThatThrownBy(() -> index.maybeAppend(3000, 79)).isInstanceOf(
            org.apache.kafka.common.errors.InvalidOffsetException.class);
        index.close();
    }

    @Test
    void storesTwelveByteEntriesTimestampThenRelativeOffset() throws Exception {
        Path file = dir.resolve("00000000000000000100.timeindex");
        TimeIndex index = new TimeIndex(file, 100, 1200);
        index.maybeAppend(1_700_000_000_000L, 104);
        index.maybeAppend(1_700_000_000_500L, 130);
        index.close();

        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(buffer.remaining()).isEqualTo(24);
        assertThat(buffer.getLong(0)).isEqualTo(1_700_000_000_000L);
        assertThat(buffer.getInt(8)).isEqualTo(4);
        assertThat(buffer.getLong(12)).isEqualTo(1_700_000_000_500L);
        assertThat(buffer.getInt(20)).isEqualTo(30);
    }

    @Test
    void keepsOneSlotForTheFinalEntryOfAnInactiveSegment() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("0.timeindex"), 0, 36);
        index.maybeAppend(10, 1);
        assertThat(index.isFull()).isFalse();
        index.maybeAppend(20, 2);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.maybeAppend(30, 3)).isInstanceOf(IllegalStateException.class);
        index.maybeAppend(30, 3, true);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(30, 3));
        index.close();
    }

    @Test
    void truncateToDropsEntriesAtAndAboveOffset() throws Exception {
        TimeIndex index = new TimeIndex(dir.resolve("0.timeindex"), 0, 1200);
        index.maybeAppend(10, 5);
        index.maybeAppend(20, 9);
        index.maybeAppend(30, 15);
        index.truncateTo(9);
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(10, 5));
        index.close();
    }

    @Test
    void sanityCheckRejectsZeroFilledCrashLeftovers() throws Exception {
        Path file = dir.resolve("0.timeindex");
        TimeIndex index = new TimeIndex(file, 0, 1200);
        index.maybeAppend(10, 5);
        index.closeHandler();
        TimeIndex reopened = new TimeIndex(file, 0, 1200);
        assertThatThrownBy(() -> reopened.sanityCheck(100)).isInstanceOf(CorruptIndexException.class);
        reopened.closeHandler();
    }
}
