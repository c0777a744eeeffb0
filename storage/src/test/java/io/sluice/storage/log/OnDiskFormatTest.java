package io.sluice.storage.log;

import io.sluice.storage.TestRecords;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the files byte by byte the way Kafka's DumpLogSegments verifies them (kafka tools are not a dependency):
 * every offset-index entry points at a batch whose last offset is the entry's offset; every time-index entry names
 * the last offset of a batch whose max timestamp is the entry's timestamp.
 */
class OnDiskFormatTest extends LogTestSupport {

    /** Header fields of the v2 batch at {@code position}, read straight from the .log file. */
    private record RawBatch(long baseOffset, int length, int leaderEpoch, byte magic, int lastOffsetDelta,
                            long maxTimestamp) {
        long lastOffset() {
            return baseOffset + lastOffsetDelta;
        }
    }

    private static RawBatch readBatch(FileChannel log, long position) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(61);
        log.read(header, position);
        return new RawBatch(header.getLong(0), header.getInt(8), header.getInt(12), header.get(16),
            header.getInt(23), header.getLong(35));
    }

    @Test
    void segmentFilesMatchKafkasLayout() throws Exception {
        LogConfig config = smallConfig().withIndexIntervalBytes(200);
        PartitionLog log = open(config);
        log.assignTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(TestRecords.batchWithTimestamps(START_MS + 10L * i, START_MS + 10L * i + 3,
                START_MS + 10L * i + 1), i < 30 ? 7 : 8);
        }
        log.close();
        List<SegmentInfo> segments = log.segments();
        assertThat(segments).hasSizeGreaterThan(1);

        for (SegmentInfo segment : segments) {
            String prefix = String.format("%020d", segment.baseOffset());
            assertThat(segment.logFile().getFileName().toString()).isEqualTo(prefix + ".log");
            assertThat(segment.offsetIndexFile().getFileName().toString()).isEqualTo(prefix + ".index");
            assertThat(segment.timeIndexFile().getFileName().toString()).isEqualTo(prefix + ".timeindex");
            verifySegment(segment);
        }

        assertThat(Files.readString(logDir().resolve("partition.metadata")))
            .isEqualTo("version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAQ\n");
        assertThat(Files.readString(logDir().resolve("leader-epoch-checkpoint"))).isEqualTo("0\n2\n7 0\n8 90\n");
        assertThat(logDir().resolve(String.format("%020d.snapshot", log.logEndOffset()))).exists();
        try (Stream<Path> files = Files.list(logDir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .allMatch(name -> name.matches("\\d{20}\\.(log|index|timeindex|snapshot)")
                    || name.equals("partition.metadata") || name.equals("leader-epoch-checkpoint"));
        }
    }

    private void verifySegment(SegmentInfo segment) throws Exception {
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(segment.offsetIndexFile()));
        ByteBuffer timeIndex = ByteBuffer.wrap(Files.readAllBytes(segment.timeIndexFile()));
        assertThat(index.limit() % 8).isZero();
        assertThat(timeIndex.limit() % 12).isZero();
        try (FileChannel log = FileChannel.open(segment.logFile(), StandardOpenOption.READ)) {
            long position = 0;
            long expectedBase = segment.baseOffset();
            long maxTimestamp = -1;
            while (position < log.size()) {
                RawBatch batch = readBatch(log, position);
                assertThat(batch.magic()).isEqualTo((byte) 2);
                assertThat(batch.baseOffset()).isEqualTo(expectedBase);
                expectedBase = batch.lastOffset() + 1;
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
                position += 12 + batch.length();
            }
            assertThat(position).isEqualTo(log.size());
            assertThat(expectedBase).isEqualTo(segment.nextOffset());

            int previousPosition = -1;
            for (int i = 0; i < index.limit() / 8; i++) {
                int relativeOffset = index.getInt(i * 8);
                int batchPosition = index.getInt(i * 8 + 4);
                assertThat(batchPosition).isGreaterThan(previousPosition);
                previousPosition = batchPosition;
                assertThat(readBatch(log, batchPosition).lastOffset())
                    .isEqualTo(segment.baseOffset() + relativeOffset);
            }
            if (segment.sizeInBytes() > 600) {
                assertThat(index.limit()).isPositive();
            }

            long previousTimestamp = -1;
            for (int i = 0; i < timeIndex.limit() / 12; i++) {
                long timestamp = timeIndex.getLong(i * 12);
                long offset = segment.baseOffset() + timeIndex.getInt(i * 12 + 8);
                assertThat(timestamp).isGreaterThan(previousTimestamp);
                previousTimestamp = timestamp;
                RawBatch holder = findBatchEndingAt(log, offset);
                assertThat(holder.maxTimestamp()).isEqualTo(timestamp);
            }
            assertThat(previousTimestamp).isEqualTo(maxTimestamp);
        }
    }

    private static RawBatch findBatchEndingAt(FileChannel log, long offset) throws Exception {
        long position = 0;
        while (position < log.size()) {
            RawBatch batch = readBatch(log, position);
            if (batch.lastOffset() == offset) {
                return batch;
            }
            position += 12 + batch.length();
        }
        throw new AssertionError("No batch ends at offset " + offset);
    }
}
