package io.sluice.storage.log;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PartitionLog#copySegmentSlice}: the tail of a sealed segment from a batch boundary, written as a standalone
 * segment whose batches are the source's bytes and whose indexes answer lookups as the source's do.
 */
class SegmentSliceTest extends LogTestSupport {
    /** Dense enough for several index entries per segment, sparse enough that lookups scan forward. */
    private static final LogConfig CONFIG = smallConfig().withIndexIntervalBytes(300);

    /** A batch of a {@code .log} file: its byte position and header fields. */
    private record BatchAt(int position, int size, long baseOffset, long lastOffset, long maxTimestamp) {
    }

    /**
     * Appends {@code count} batches of three records "value-<offset>"; record timestamps go up and down (batch i is
     * stamped around {@code START_MS + ((i * 37) % 50) s}) so the time index has work to do.
     */
    private static void appendBatches(PartitionLog log, Compression compression, int from, int count) {
        for (int i = from; i < from + count; i++) {
            long offset = log.logEndOffset();
            long timestamp = START_MS + ((i * 37L) % 50) * 1000;
            SimpleRecord[] records = new SimpleRecord[3];
            for (int j = 0; j < records.length; j++) {
                records[j] = new SimpleRecord(timestamp + j, null,
                    ("value-" + (offset + j) + "-" + "x".repeat(30)).getBytes(StandardCharsets.UTF_8));
            }
            log.appendAsLeader(MemoryRecords.withRecords(compression, records), 1);
        }
    }

    private PartitionLog logWith(Compression compression, int batches) {
        PartitionLog log = open(CONFIG);
        appendBatches(log, compression, 0, batches);
        assertThat(log.segments()).hasSizeGreaterThanOrEqualTo(4);
        return log;
    }

    private static List<BatchAt> batchesIn(byte[] logFile) {
        List<BatchAt> batches = new ArrayList<>();
        int position = 0;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(logFile)).batches()) {
            batches.add(new BatchAt(position, batch.sizeInBytes(), batch.baseOffset(), batch.lastOffset(),
                batch.maxTimestamp()));
            position += batch.sizeInBytes();
        }
        assertThat(position).isEqualTo(logFile.length);
        return batches;
    }

    private Path emptyDir(String name) throws Exception {
        return Files.createDirectory(tmp.resolve(name));
    }

    private static List<String> filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String name(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    @Test
    void sliceFromAMiddleBatchHoldsTheSourceBytesFromThatBatchOnWithWorkingIndexes() throws Exception {
        PartitionLog log = logWith(Compression.NONE, 60);
        List<SegmentInfo> segmentsBefore = log.segments();
        SegmentInfo source = segmentsBefore.get(1);
        byte[] sourceLog = Files.readAllBytes(source.logFile());
        byte[] sourceIndex = Files.readAllBytes(source.offsetIndexFile());
        byte[] sourceTimeIndex = Files.readAllBytes(source.timeIndexFile());
        List<BatchAt> batches = batchesIn(sourceLog);
        BatchAt from = batches.get(batches.size() / 2);
        assertThat(from.position()).isPositive();
        Path target = emptyDir("slice");

        SegmentInfo slice = log.copySegmentSlice(source.baseOffset(), from.baseOffset(), target);

        List<BatchAt> copied = batches.subList(batches.size() / 2, batches.size());
        long largestCopied = copied.stream().mapToLong(BatchAt::maxTimestamp).max().orElseThrow();
        assertThat(slice.baseOffset()).isEqualTo(from.baseOffset());
        assertThat(slice.nextOffset()).isEqualTo(source.nextOffset());
        assertThat(slice.active()).isFalse();
        assertThat(slice.largestTimestamp()).isEqualTo(largestCopied);
        assertThat(slice.sizeInBytes()).isEqualTo(sourceLog.length - from.position());
        assertThat(slice.logFile()).isEqualTo(target.resolve(name(from.baseOffset(), ".log")));
        assertThat(slice.offsetIndexFile()).isEqualTo(target.resolve(name(from.baseOffset(), ".index")));
        assertThat(slice.timeIndexFile()).isEqualTo(target.resolve(name(from.baseOffset(), ".timeindex")));
        assertThat(filesIn(target)).containsExactly(name(from.baseOffset(), ".index"),
            name(from.baseOffset(), ".log"), name(from.baseOffset(), ".timeindex"));
        assertThat(Files.readAllBytes(slice.logFile()))
            .isEqualTo(Arrays.copyOfRange(sourceLog, from.position(), sourceLog.length));

        assertThat(log.segments()).isEqualTo(segmentsBefore);
        assertThat(Files.readAllBytes(source.logFile())).isEqualTo(sourceLog);
        assertThat(Files.readAllBytes(source.offsetIndexFile())).isEqualTo(sourceIndex);
        assertThat(Files.readAllBytes(source.timeIndexFile())).isEqualTo(sourceTimeIndex);

        log.close();
        assertIndexesAnswerLikeTheSource(source, slice, from.position());
        assertIndexesAreWhatRecoveryRebuilds(slice);
    }

    @Test
    void sliceAtTheSegmentBaseOffsetIsTheWholeSegmentWithIdenticalIndexes() throws Exception {
        PartitionLog log = logWith(Compression.NONE, 60);
        SegmentInfo source = log.segments().get(2);
        Path target = emptyDir("whole");

        SegmentInfo slice = log.copySegmentSlice(source.baseOffset(), source.baseOffset(), target);

        assertThat(slice.baseOffset()).isEqualTo(source.baseOffset());
        assertThat(slice.nextOffset()).isEqualTo(source.nextOffset());
        assertThat(slice.sizeInBytes()).isEqualTo(source.sizeInBytes());
        assertThat(slice.largestTimestamp()).isEqualTo(source.largestTimestamp());
        assertThat(Files.readAllBytes(slice.logFile())).isEqualTo(Files.readAllBytes(source.logFile()));
        assertThat(Files.readAllBytes(slice.offsetIndexFile())).isNotEmpty()
            .isEqualTo(Files.readAllBytes(source.offsetIndexFile()));
        assertThat(Files.readAllBytes(slice.timeIndexFile())).isNotEmpty()
            .isEqualTo(Files.readAllBytes(source.timeIndexFile()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4"})
    void compressedBatchesAreCopiedAsTheyAre(String codec) throws Exception {
        PartitionLog log = logWith(Compression.of(codec).build(), 100);
        SegmentInfo source = log.segments().get(1);
        byte[] sourceLog = Files.readAllBytes(source.logFile());
        List<BatchAt> batches = batchesIn(sourceLog);
        BatchAt from = batches.get(batches.size() / 3);
        assertThat(from.lastOffset() - from.baseOffset()).isEqualTo(2);
        Path target = emptyDir("compressed");

        SegmentInfo slice = log.copySegmentSlice(source.baseOffset(), from.baseOffset(), target);

        byte[] sliceLog = Files.readAllBytes(slice.logFile());
        assertThat(sliceLog).isEqualTo(Arrays.copyOfRange(sourceLog, from.position(), sourceLog.length));
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(sliceLog));
        for (RecordBatch batch : records.batches()) {
            assertThat(batch.compressionType().name).isEqualTo(codec);
        }
        List<String> values = new ArrayList<>();
        for (Record record : records.records()) {
            values.add(valueOf(record).substring(0, valueOf(record).indexOf("-x")) + "@" + record.offset());
        }
        List<String> expected = new ArrayList<>();
        for (long offset = from.baseOffset(); offset < source.nextOffset(); offset++) {
            expected.add("value-" + offset + "@" + offset);
        }
        assertThat(values).isEqualTo(expected);

        log.close();
        assertIndexesAnswerLikeTheSource(source, slice, from.position());
        assertIndexesAreWhatRecoveryRebuilds(slice);
    }

    @Test
    void offsetsThatAreNotABatchStartInsideASealedSegmentAreRejected() throws Exception {
        PartitionLog log = logWith(Compression.NONE, 60);
        List<SegmentInfo> segments = log.segments();
        SegmentInfo source = segments.get(1);
        SegmentInfo active = segments.get(segments.size() - 1);
        BatchAt middle = batchesIn(Files.readAllBytes(source.logFile())).get(3);
        Path target = emptyDir("rejected");

        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), middle.baseOffset() + 1, target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the base offset of a batch")
            .hasMessageContaining("[" + middle.baseOffset() + ", " + middle.lastOffset() + "]");
        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), source.nextOffset(), target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside segment");
        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), source.baseOffset() - 1, target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside segment");
        assertThatThrownBy(() -> log.copySegmentSlice(active.baseOffset(), active.baseOffset(), target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("active segment");
        assertThatThrownBy(() -> log.copySegmentSlice(middle.baseOffset(), middle.baseOffset(), target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no local segment");
        assertThat(filesIn(target)).isEmpty();

        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), middle.baseOffset(), tmp.resolve("none")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        Files.writeString(target.resolve("leftover"), "x");
        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), middle.baseOffset(), target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not empty");
        assertThat(filesIn(target)).containsExactly("leftover");

        log.close();
        assertThatThrownBy(() -> log.copySegmentSlice(source.baseOffset(), middle.baseOffset(), emptyDir("closed")))
            .isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void aSegmentDeletedByLocalRetentionCanNoLongerBeSliced() throws Exception {
        LogConfig config = CONFIG.withRemoteStorageEnable(true).withRetentionMs(-1).withRetentionBytes(-1)
            .withLocalRetentionBytes(0);
        PartitionLog log = open(config);
        appendBatches(log, Compression.NONE, 0, 60);
        log.updateHighWatermark(log.logEndOffset());
        SegmentInfo first = log.segments().get(0);
        log.updateHighestOffsetInRemoteStorage(first.lastOffset());
        assertThat(log.deleteRetentionBreachedSegments()).isEqualTo(1);

        Path target = emptyDir("gone");
        assertThatThrownBy(() -> log.copySegmentSlice(first.baseOffset(), first.baseOffset(), target))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no local segment");
        assertThat(filesIn(target)).isEmpty();
    }

    /**
     * Slices are taken on this thread while another thread appends (rolling new segments) and local retention
     * deletes the segments before the sliced one: every slice is the same complete copy.
     */
    @Test
    void slicingRunsWhileTheLogAppendsRollsAndDeletesOtherSegments() throws Exception {
        LogConfig config = CONFIG.withRemoteStorageEnable(true).withRetentionMs(-1).withRetentionBytes(-1)
            .withLocalRetentionBytes(0).withFileDeleteDelayMs(0);
        PartitionLog log = open(config);
        appendBatches(log, Compression.NONE, 0, 60);
        log.updateHighWatermark(log.logEndOffset());
        List<SegmentInfo> initial = log.segments();
        SegmentInfo source = initial.get(3);
        byte[] sourceLog = Files.readAllBytes(source.logFile());
        BatchAt from = batchesIn(sourceLog).get(2);
        byte[] expected = Arrays.copyOfRange(sourceLog, from.position(), sourceLog.length);

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3; i++) {
                appendBatches(log, Compression.NONE, 60 + 40 * i, 40);
                log.updateHighWatermark(log.logEndOffset());
                log.updateHighestOffsetInRemoteStorage(initial.get(i).lastOffset());
                log.deleteRetentionBreachedSegments();
            }
        });
        int copies = 0;
        while (!writer.isDone() || copies < 3) {
            Path target = emptyDir("slice-" + copies);
            SegmentInfo slice = log.copySegmentSlice(source.baseOffset(), from.baseOffset(), target);
            assertThat(slice.nextOffset()).isEqualTo(source.nextOffset());
            assertThat(Files.readAllBytes(slice.logFile())).isEqualTo(expected);
            copies++;
        }
        writer.get(60, TimeUnit.SECONDS);

        assertThat(log.localLogStartOffset()).isEqualTo(source.baseOffset());
        assertThat(log.segments().get(0)).isEqualTo(source);
        assertThat(log.logEndOffset()).isGreaterThan(initial.get(initial.size() - 1).nextOffset());
    }

    /**
     * Opens the source and the slice with the module's segment and index classes and checks that, for every offset
     * and timestamp from the slice's base offset on, both find the same batch and record (positions shifted by the
     * slice's start in the source).
     */
    private void assertIndexesAnswerLikeTheSource(SegmentInfo sourceInfo, SegmentInfo sliceInfo, int shift)
        throws Exception {
        LogSegment source = LogSegment.open(sourceInfo.logFile().getParent(), sourceInfo.baseOffset(), CONFIG, time,
            true);
        LogSegment slice = LogSegment.open(sliceInfo.logFile().getParent(), sliceInfo.baseOffset(), CONFIG, time,
            true);
        try {
            source.sanityCheck();
            slice.sanityCheck();
            assertThat(slice.offsetIndex().entries()).isPositive();
            assertThat(slice.timeIndex().lastEntry().timestamp()).isEqualTo(sliceInfo.largestTimestamp());
            assertThat(slice.maxTimestampSoFar()).isEqualTo(sliceInfo.largestTimestamp());
            long from = sliceInfo.baseOffset();
            for (long offset = from; offset <= sliceInfo.nextOffset(); offset++) {
                FileRecords.LogOffsetPosition inSource = source.translateOffset(offset);
                FileRecords.LogOffsetPosition inSlice = slice.translateOffset(offset);
                if (offset == sliceInfo.nextOffset()) {
                    assertThat(inSource).isNull();
                    assertThat(inSlice).isNull();
                } else {
                    assertThat(inSlice).isEqualTo(new FileRecords.LogOffsetPosition(inSource.offset,
                        inSource.position - shift, inSource.size));
                }
            }
            TreeSet<Long> timestamps = new TreeSet<>();
            MemoryRecords records = MemoryRecords.readableRecords(
                ByteBuffer.wrap(Files.readAllBytes(sliceInfo.logFile())));
            records.records().forEach(record -> timestamps.add(record.timestamp()));
            TreeSet<Long> probes = new TreeSet<>();
            timestamps.forEach(t -> probes.addAll(List.of(t - 1, t, t + 1)));
            for (long timestamp : probes) {
                Optional<FileRecords.TimestampAndOffset> inSource = source.findOffsetByTimestamp(timestamp, from);
                Optional<FileRecords.TimestampAndOffset> inSlice = slice.findOffsetByTimestamp(timestamp, from);
                assertThat(inSlice).as("timestamp %d", timestamp).isEqualTo(inSource);
                if (timestamp <= timestamps.last()) {
                    assertThat(inSlice).isPresent();
                }
            }
        } finally {
            source.closeHandlers();
            slice.closeHandlers();
        }
    }

    /** The slice's index files are byte for byte what Kafka-style recovery builds from its {@code .log} alone. */
    private void assertIndexesAreWhatRecoveryRebuilds(SegmentInfo sliceInfo) throws Exception {
        Path rebuiltDir = Files.createDirectory(tmp.resolve("rebuilt-" + sliceInfo.baseOffset()));
        Files.copy(sliceInfo.logFile(), rebuiltDir.resolve(sliceInfo.logFile().getFileName()));
        LogSegment rebuilt = LogSegment.open(rebuiltDir, sliceInfo.baseOffset(), CONFIG, time, true);
        assertThat(rebuilt.recover(batch -> { })).isZero();
        rebuilt.close();
        assertThat(Files.readAllBytes(sliceInfo.offsetIndexFile()))
            .isEqualTo(Files.readAllBytes(rebuiltDir.resolve(sliceInfo.offsetIndexFile().getFileName())));
        assertThat(Files.readAllBytes(sliceInfo.timeIndexFile()))
            .isEqualTo(Files.readAllBytes(rebuiltDir.resolve(sliceInfo.timeIndexFile().getFileName())));
    }
}
