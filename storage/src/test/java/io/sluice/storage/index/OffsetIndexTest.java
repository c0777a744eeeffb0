package io.sluice.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetIndexTest {
    @TempDir
    Path dir;

    @Test
    void newIndexIsPreallocatedAndLookupFindsLargestEntryAtOrBelowTarget() throws Exception {
        Path file = dir.resolve("00000000000000000100.index");
        OffsetIndex index = new OffsetIndex(file, 100, 1000);
        assertThat(Files.size(file)).isEqualTo(1000 / 8 * 8);
        assertThat(index.maxEntries()).isEqualTo(125);

        assertThat(index.lookup(150)).isEqualTo(new OffsetPosition(100, 0));
        index.append(110, 0);
        index.append(120, 4100);
        index.append(135, 8300);

        assertThat(index.lookup(105)).isEqualTo(new OffsetPosition(100, 0));
        assertThat(index.lookup(110)).isEqualTo(new OffsetPosition(110, 0));
        assertThat(index.lookup(134)).isEqualTo(new OffsetPosition(120, 4100));
        assertThat(index.lookup(10_000)).isEqualTo(new OffsetPosition(135, 8300));
        assertThat(index.lastOffset()).isEqualTo(135);
        index.close();
    }

    @Test
    void appendRejectsNonIncreasingOffsets() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 1000);
        index.append(5, 0);
        assertThatThrownBy(() -> index.append(5, 100)).isInstanceOf(InvalidOffsetException.class);
        assertThatThrownBy(() -> index.append(4, 100)).isInstanceOf(InvalidOffsetException.class);
        index.close();
    }

    @Test
    void storesEightByteBigEndianEntriesAndIsTrimmedOnClose() throws Exception {
        Path file = dir.resolve("00000000000000001000.index");
        OffsetIndex index = new OffsetIndex(file, 1000, 4096);
        index.append(1007, 0);
        index.append(1020, 5000);
        index.close();

        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(16);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.getInt(0)).isEqualTo(7);
        assertThat(buffer.getInt(4)).isEqualTo(0);
        assertThat(buffer.getInt(8)).isEqualTo(20);
        assertThat(buffer.getInt(12)).isEqualTo(5000);
    }

    @Test
    void reopenedTrimmedIndexKeepsEntriesAndCanBeResizedForAppends() throws Exception {
        Path file = dir.resolve("0.index");
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        index.append(3, 0);
        index.append(9, 300);
        index.close();

        OffsetIndex reopened = new OffsetIndex(file, 0, 800);
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.isFull()).isTrue();
        reopened.sanityCheck(1000);
        reopened.resize(800);
        reopened.append(15, 700);
        assertThat(reopened.lookup(20)).isEqualTo(new OffsetPosition(15, 700));
        reopened.close();
        assertThat(Files.size(file)).isEqualTo(24);
    }

    @Test
    void truncateToRemovesEntriesAtAndAboveOffset() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 800);
        index.append(10, 0);
        index.append(20, 100);
        index.append(30, 200);
        index.truncateTo(20);
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lastOffset()).isEqualTo(10);
        index.truncateTo(11);
        assertThat(index.entries()).isEqualTo(1);
        index.truncateTo(0);
        assertThat(index.entries()).isZero();
        index.close();
    }

    @Test
    void sanityCheckRejectsPreallocatedZerosBadLengthAndPositionsPastTheLog() throws Exception {
        Path file = dir.resolve("0.index");
        OffsetIndex index = new OffsetIndex(file, 0, 800);
        index.append(4, 0);
        index.closeHandler();

        OffsetIndex crashed = new OffsetIndex(file, 0, 800);
        assertThat(crashed.entries()).isEqualTo(100);
        assertThatThrownBy(() -> crashed.sanityCheck(10_000)).isInstanceOf(CorruptIndexException.class);
        crashed.closeHandler();

        Files.write(file, new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 9});
        OffsetIndex badLength = new OffsetIndex(file, 0, 800);
        assertThatThrownBy(() -> badLength.sanityCheck(10_000)).isInstanceOf(CorruptIndexException.class);
        badLength.closeHandler();

        Files.write(file, ByteBuffer.allocate(8).putInt(1).putInt(5000).array());
        OffsetIndex pastEnd = new OffsetIndex(file, 0, 800);
        assertThatThrownBy(() -> pastEnd.sanityCheck(4000)).isInstanceOf(CorruptIndexException.class);
        pastEnd.sanityCheck(6000);
        pastEnd.closeHandler();
    }

    @Test
    void offsetsThatDoNotFitARelativeIntAreRejected() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 800);
        assertThat(index.canAppendOffset(Integer.MAX_VALUE)).isTrue();
        assertThat(index.canAppendOffset(Integer.MAX_VALUE + 1L)).isFalse();
        assertThatThrownBy(() -> index.append(Integer.MAX_VALUE + 1L, 0))
            .isInstanceOf(IndexOffsetOverflowException.class);
        index.close();
    }

    @Test
    void isFullWhenPreallocatedSpaceIsUsed() throws Exception {
        OffsetIndex index = new OffsetIndex(dir.resolve("0.index"), 0, 24);
        index.append(1, 0);
        index.append(2, 10);
        assertThat(index.isFull()).isFalse();
        index.append(3, 20);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.append(4, 30)).isInstanceOf(IllegalStateException.class);
        index.close();
    }
}
