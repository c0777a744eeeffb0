package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.storage.log.LogConfig;
import io.sluice.storage.log.LogLoadParams;
import io.sluice.storage.log.OffsetAndTimestamp;
import io.sluice.storage.log.PartitionLog;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.remote.RemoteSegmentFixture;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.FileLogInputStream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real partition log written by the storage module's {@link PartitionLog} (32 KiB segments, an index entry every
 * 1 KiB), the oracle remote reads are compared with. Batches hold 5 records of 150 to 250 bytes with timestamps that
 * grow by about 10 ms per offset but jitter (so timestamps go backwards inside and across batches); every third batch
 * is gzip-compressed.
 */
final class ReplayLog implements AutoCloseable {

    static final int SEGMENT_BYTES = 32 * 1024;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final TopicIdPartition partition;
    private final PartitionLog log;
    private final long firstTimestamp = System.currentTimeMillis() - 30 * 60_000;
    private final Random random = new Random(42);
    private int batchesAppended;

    ReplayLog(Path dir, String topic) {
        this.partition = new TopicIdPartition(Uuid.randomUuid(), 0, topic);
        LogConfig config = LogConfig.defaults().withSegmentBytes(SEGMENT_BYTES).withIndexIntervalBytes(1024);
        this.log = PartitionLog.open(dir.resolve(topic + "-0"), partition.topicPartition(), config,
            LogLoadParams.unknown(), Time.SYSTEM, scheduler);
    }

    /** Appends {@code batches} batches of 5 records as leader at {@code leaderEpoch}. */
    ReplayLog append(int batches, int leaderEpoch) {
        for (int b = 0; b < batches; b++) {
            long next = log.logEndOffset();
            SimpleRecord[] records = new SimpleRecord[5];
            for (int i = 0; i < records.length; i++) {
                long offset = next + i;
                long timestamp = firstTimestamp + offset * 10 + random.nextInt(61) - 30;
                byte[] value = ("record-" + offset + "-").getBytes(StandardCharsets.UTF_8);
                records[i] = new SimpleRecord(timestamp, null, Arrays.copyOf(value, 150 + random.nextInt(100)));
            }
            Compression compression = batchesAppended++ % 3 == 2 ? Compression.gzip().build() : Compression.NONE;
            log.appendAsLeader(MemoryRecords.withRecords(compression, records), leaderEpoch);
        }
        log.updateHighWatermark(log.logEndOffset());
        return this;
    }

    /** Appends one batch of one record with a {@code valueBytes} value (incompressible). */
    ReplayLog appendHuge(int valueBytes, int leaderEpoch) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        long timestamp = firstTimestamp + log.logEndOffset() * 10;
        log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp, null, value)),
            leaderEpoch);
        log.updateHighWatermark(log.logEndOffset());
        return this;
    }

    /** Rolls, so that every segment with data is sealed. */
    ReplayLog seal() {
        log.roll();
        return this;
    }

    TopicIdPartition partition() {
        return partition;
    }

    PartitionLog log() {
        return log;
    }

    long firstTimestamp() {
        return firstTimestamp;
    }

    /** The sealed segments, oldest first. */
    List<SegmentInfo> sealed() {
        return log.segments().stream().filter(s -> !s.active()).toList();
    }

    /** Puts every sealed segment into {@code store} as the uploader would; their metadata, oldest first. */
    List<RemoteSegmentMetadata> upload(ObjectStore store) throws Exception {
        List<RemoteSegmentMetadata> out = new ArrayList<>();
        for (SegmentInfo segment : sealed()) {
            out.add(upload(store, segment));
        }
        return out;
    }

    /** Puts one sealed segment into {@code store} under a fresh segment id. */
    RemoteSegmentMetadata upload(ObjectStore store, SegmentInfo segment) throws Exception {
        return RemoteSegmentFixture.put(store, partition, segment, log.leaderEpochCache().epochEntries(), 0)
            .get(30, TimeUnit.SECONDS);
    }

    /** What the local log answers to the same fetch (one segment at most), as bytes. */
    byte[] localRead(long offset, int maxBytes, boolean minOneMessage) {
        return bytes(log.read(offset, maxBytes, Long.MAX_VALUE, minOneMessage).records());
    }

    /** What the local log answers to ListOffsets by timestamp. */
    Optional<OffsetAndTimestamp> localOffsetForTimestamp(long timestamp) {
        return log.offsetForTimestamp(timestamp);
    }

    /** The batches of a local segment file: position, size, base offset, last offset. */
    static List<long[]> batches(SegmentInfo segment) {
        List<long[]> out = new ArrayList<>();
        try (FileRecords file = FileRecords.open(segment.logFile().toFile(), false)) {
            for (FileLogInputStream.FileChannelRecordBatch b : file.batches()) {
                out.add(new long[] {b.position(), b.sizeInBytes(), b.baseOffset(), b.lastOffset()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The first record of {@code segment} in offset order at or after {@code startingOffset} whose timestamp is at
     * least {@code timestamp}, by brute force: the answer ListOffsets must give.
     */
    static Optional<long[]> bruteForceTimestamp(SegmentInfo segment, long timestamp, long startingOffset) {
        try (FileRecords file = FileRecords.open(segment.logFile().toFile(), false)) {
            for (RecordBatch batch : file.batches()) {
                for (Record record : batch) {
                    if (record.offset() >= startingOffset && record.timestamp() >= timestamp) {
                        return Optional.of(new long[] {record.timestamp(), record.offset()});
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    /** The bytes of {@code records}. */
    static byte[] bytes(Records records) {
        ByteBuffer out = ByteBuffer.allocate(records.sizeInBytes());
        for (RecordBatch batch : records.batches()) {
            batch.writeTo(out);
        }
        return out.array();
    }

    @Override
    public void close() {
        log.close();
        scheduler.shutdownNow();
    }
}
