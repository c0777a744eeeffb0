package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SegmentSlicer} on segments built directly: what happens when the source segment is deleted or truncated
 * between locating the slice and copying it, and slices larger than one read chunk.
 */
class SegmentSlicerTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long START_MS = 1_700_000_000_000L;
    private static final LogConfig CONFIG = LogConfig.defaults().withIndexIntervalBytes(4096)
        .withSegmentIndexBytes(4096);

    @TempDir
    Path tmp;
    private final ManualTime time = new ManualTime(START_MS);
    private final LogSegments segments = new LogSegments();
    private Path dir;
    private Path target;

    @BeforeEach
    void createDirs() throws Exception {
        dir = Files.createDirectory(tmp.resolve("orders-0"));
        target = Files.createDirectory(tmp.resolve("slice"));
    }

    @AfterEach
    void closeSegments() {
        segments.closeHandlers();
    }

    /**
     * Writes a sealed segment at offset 0 of {@code batches} batches of two records with {@code valueBytes}
     * random bytes each, and an empty active segment after it.
     */
    private LogSegment sealedSegment(int batches, int valueBytes) throws Exception {
        Random random = new Random(42);
        LogSegment segment = LogSegment.open(dir, 0, CONFIG, time, false);
        long offset = 0;
        for (int i = 0; i < batches; i++) {
            SimpleRecord[] records = new SimpleRecord[2];
            for (int j = 0; j < records.length; j++) {
                byte[] value = new byte[valueBytes];
                random.nextBytes(value);
                records[j] = new SimpleRecord(START_MS + i, null, value);
            }
            MemoryRecords batch = MemoryRecords.withRecords(offset, Compression.NONE, records);
            segment.append(offset + 1, START_MS + i, offset + 1, batch);
            offset += 2;
        }
        segment.onBecomeInactiveSegment();
        segments.add(segment);
        segments.add(LogSegment.open(dir, offset, CONFIG, time, false));
        return segment;
    }

    private SegmentSlicer slicer() {
        return new SegmentSlicer(TP, segments, time);
    }

    private List<String> targetFiles() throws Exception {
        try (Stream<Path> files = Files.list(target)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aSegmentRemovedByRetentionAfterItWasLocatedFailsTheCopyAndLeavesNoSlice() throws Exception {
        LogSegment segment = sealedSegment(20, 100);
        SegmentSlicer.Source source = slicer().locate(0, 10);

        segments.removeAll(List.of(segment));
        segment.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);

        assertThatThrownBy(() -> slicer().write(source, target, CONFIG))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deleted or truncated");
        assertThat(targetFiles()).isEmpty();
    }

    @Test
    void aSegmentWhoseFilesAreDeletedDuringTheCopyFailsItAndLeavesNoSlice() throws Exception {
        LogSegment segment = sealedSegment(20, 100);
        SegmentSlicer.Source source = slicer().locate(0, 10);

        segments.removeAll(List.of(segment));
        segment.deleteIfExists();

        assertThatThrownBy(() -> slicer().write(source, target, CONFIG))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deleted or truncated")
            .hasCauseInstanceOf(ClosedChannelException.class);
        assertThat(targetFiles()).isEmpty();
    }

    @Test
    void aSegmentTruncatedAfterItWasLocatedFailsTheCopy() throws Exception {
        LogSegment segment = sealedSegment(20, 100);
        SegmentSlicer.Source source = slicer().locate(0, 10);

        LogSegment active = segments.get(40).orElseThrow();
        segments.remove(40);
        active.closeHandlers();
        segment.truncateTo(30);

        assertThatThrownBy(() -> slicer().write(source, target, CONFIG))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deleted or truncated");
        assertThat(targetFiles()).isEmpty();
    }

    @Test
    void anIoErrorOnAnUnchangedSegmentIsAKafkaStorageException() throws Exception {
        LogSegment segment = sealedSegment(20, 100);
        SegmentSlicer.Source source = slicer().locate(0, 10);

        segment.log().closeHandlers();

        assertThatThrownBy(() -> slicer().write(source, target, CONFIG))
            .isInstanceOf(KafkaStorageException.class).hasCauseInstanceOf(ClosedChannelException.class);
        assertThat(targetFiles()).isEmpty();
    }

    @Test
    void slicesLargerThanOneReadChunkAndBatchesLargerThanAChunkAreCopiedWhole() throws Exception {
        LogSegment segment = sealedSegment(24, 70_000);
        int chunks = segment.size() / SegmentSlicer.CHUNK_BYTES;
        assertThat(chunks).isGreaterThanOrEqualTo(2);
        byte[] sourceLog = Files.readAllBytes(segment.log().file().toPath());

        SegmentInfo slice = slicer().copy(0, 6, target, CONFIG);

        int start = segment.translateOffset(6).position;
        assertThat(Files.readAllBytes(slice.logFile()))
            .isEqualTo(Arrays.copyOfRange(sourceLog, start, sourceLog.length));
        assertThat(slice.nextOffset()).isEqualTo(48);

        Path hugeDir = Files.createDirectory(tmp.resolve("huge"));
        Path hugeTarget = Files.createDirectory(tmp.resolve("huge-slice"));
        LogSegment huge = LogSegment.open(hugeDir, 100, CONFIG, time, false);
        byte[] value = new byte[SegmentSlicer.CHUNK_BYTES + 5000];
        new Random(7).nextBytes(value);
        huge.append(100, START_MS, 100, MemoryRecords.withRecords(100, Compression.NONE,
            new SimpleRecord(START_MS, null, new byte[10])));
        huge.append(101, START_MS + 1, 101, MemoryRecords.withRecords(101, Compression.NONE,
            new SimpleRecord(START_MS + 1, null, value)));
        huge.onBecomeInactiveSegment();
        LogSegments hugeSegments = new LogSegments();
        hugeSegments.add(huge);
        hugeSegments.add(LogSegment.open(hugeDir, 102, CONFIG, time, false));
        try {
            SegmentInfo hugeSlice = new SegmentSlicer(TP, hugeSegments, time).copy(100, 100, hugeTarget, CONFIG);
            assertThat(Files.readAllBytes(hugeSlice.logFile()))
                .isEqualTo(Files.readAllBytes(huge.log().file().toPath()));
            assertThat(hugeSlice.largestTimestamp()).isEqualTo(START_MS + 1);
        } finally {
            hugeSegments.closeHandlers();
        }
    }
}
