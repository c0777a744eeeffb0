package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.log.OffsetAndTimestamp;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.remote.LeaderEpochLineage;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RemoteLogReader} against a real partition log written by the storage module, uploaded as the uploader does,
 * compared with what the local log answers. Subclasses supply the object store (in memory, S3Proxy over HTTP).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RemoteLogReaderContractTest {

    /** 4 KiB chunks, so segments span several chunks and many batches cross a chunk boundary. */
    static final int CHUNK = 4096;
    static final RemoteReadConfig CONFIG = RemoteReadConfig.DEFAULT.withChunkBytes(CHUNK);
    static final int HUGE_VALUE_BYTES = 20_000;

    private ObjectStore store;
    private ExecutorService executor;
    private ReplayLog log;
    private List<SegmentInfo> sealed;
    private List<RemoteSegmentMetadata> segments;
    private RemoteLogReader reader;

    /** The store under test, opened once per class; closed by the test. */
    protected abstract ObjectStore openStore() throws Exception;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        store = openStore();
        executor = Executors.newFixedThreadPool(2);
        log = new ReplayLog(dir, "replay")
            .append(40, 0)
            .append(30, 2)
            .appendHuge(HUGE_VALUE_BYTES, 2)
            .append(40, 5)
            .seal();
        sealed = log.sealed();
        segments = log.upload(store);
        reader = new RemoteLogReader(store, CONFIG, executor);
    }

    @AfterAll
    void tearDown() {
        reader.close();
        log.close();
        store.close();
        executor.shutdownNow();
    }

    static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** The failure of {@code future}, unwrapped. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("the future did not fail");
    }

    private byte[] remoteRead(RemoteSegmentMetadata segment, long offset, int maxBytes, boolean minOneMessage)
        throws Exception {
        return ReplayLog.bytes(get(reader.read(segment, offset, maxBytes, minOneMessage)));
    }

    @Test
    void theLogHasSeveralSegmentsOfManyChunks() {
        assertThat(segments).hasSizeGreaterThanOrEqualTo(3);
        assertThat(segments).allSatisfy(s -> assertThat(s.sizeInBytes()).isGreaterThan(3 * CHUNK));
    }

    @Test
    void everyOffsetReadsTheSameBytesAsTheLocalLog() throws Exception {
        int reads = 0;
        for (RemoteSegmentMetadata segment : segments) {
            for (long offset = segment.baseOffset(); offset <= segment.lastOffset(); offset++) {
                for (int maxBytes : new int[] {1, 2_500, 30_000}) {
                    assertThat(remoteRead(segment, offset, maxBytes, true))
                        .as("offset %d, maxBytes %d", offset, maxBytes)
                        .isEqualTo(log.localRead(offset, maxBytes, true))
                        .isNotEmpty();
                    reads++;
                }
                assertThat(remoteRead(segment, offset, 2_500, false)).as("offset %d without minOneMessage", offset)
                    .isEqualTo(log.localRead(offset, 2_500, false));
            }
        }
        assertThat(reads).isGreaterThan(1000);
    }

    @Test
    void aWholeSegmentReadReturnsTheUploadedFileAndNothingBeyondIt() throws Exception {
        for (int i = 0; i < segments.size(); i++) {
            RemoteSegmentMetadata segment = segments.get(i);
            assertThat(remoteRead(segment, segment.baseOffset(), Integer.MAX_VALUE, true))
                .isEqualTo(Files.readAllBytes(sealed.get(i).logFile()));
        }
    }

    @Test
    void anOffsetPastTheSegmentsEndReadsNothingWithoutIo() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        long fetchedBefore = reader.bytesFetched();
        CompletableFuture<MemoryRecords> read = reader.read(segment, segment.lastOffset() + 1, 1 << 20, true);
        assertThat(read).isCompletedWithValue(MemoryRecords.EMPTY);
        assertThat(get(reader.read(segment, Long.MAX_VALUE, 1 << 20, true)).sizeInBytes()).isZero();
        assertThat(reader.bytesFetched()).isEqualTo(fetchedBefore);
    }

    @Test
    void anOffsetBelowTheBaseOffsetReadsFromTheFirstBatch() throws Exception {
        RemoteSegmentMetadata segment = segments.get(1);
        assertThat(remoteRead(segment, segment.baseOffset() - 1, 5_000, true))
            .isEqualTo(remoteRead(segment, segment.baseOffset(), 5_000, true))
            .isEqualTo(log.localRead(segment.baseOffset(), 5_000, true));
    }

    @Test
    void maxBytesKeepsOnlyWholeBatchesWithinTheLimit() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        List<long[]> batches = ReplayLog.batches(sealed.get(0));
        int twoBatches = (int) (batches.get(0)[1] + batches.get(1)[1]);
        int maxBytes = twoBatches + (int) batches.get(2)[1] - 1;

        MemoryRecords records = get(reader.read(segment, segment.baseOffset(), maxBytes, false));

        assertThat(records.sizeInBytes()).isEqualTo(twoBatches);
        assertThat(records.batches()).extracting(RecordBatch::baseOffset)
            .containsExactly(batches.get(0)[2], batches.get(1)[2]);
    }

    @Test
    void minOneMessageReturnsABatchLargerThanMaxBytesWhole() throws Exception {
        int index = segmentIndexHolding(b -> b[1] > HUGE_VALUE_BYTES);
        RemoteSegmentMetadata segment = segments.get(index);
        long[] huge = ReplayLog.batches(sealed.get(index)).stream().filter(b -> b[1] > HUGE_VALUE_BYTES).findFirst()
            .orElseThrow();
        assertThat(huge[1]).as("the batch spans several chunks").isGreaterThan(4L * CHUNK);

        MemoryRecords whole = get(reader.read(segment, huge[2], 100, true));
        assertThat(whole.sizeInBytes()).isEqualTo((int) huge[1]);
        assertThat(ReplayLog.bytes(whole)).isEqualTo(log.localRead(huge[2], 100, true));
        assertThat(get(reader.read(segment, huge[2], 100, false)).sizeInBytes()).isZero();
        assertThat(get(reader.read(segment, huge[2], (int) huge[1] - 1, false)).sizeInBytes()).isZero();
    }

    @Test
    void batchesSpanningChunksAreAssembledFromBoth() throws Exception {
        int spanning = 0;
        for (int i = 0; i < segments.size(); i++) {
            byte[] file = Files.readAllBytes(sealed.get(i).logFile());
            for (long[] batch : ReplayLog.batches(sealed.get(i))) {
                long position = batch[0];
                int size = (int) batch[1];
                if (position / CHUNK == (position + size - 1) / CHUNK) {
                    continue;
                }
                spanning++;
                assertThat(remoteRead(segments.get(i), batch[3], size, false))
                    .isEqualTo(Arrays.copyOfRange(file, (int) position, (int) position + size));
            }
        }
        assertThat(spanning).isGreaterThan(10);
    }

    @Test
    void timestampLookupAnswersWhatTheLocalLogAnswers() throws Exception {
        RemoteSegmentMetadata last = segments.get(segments.size() - 1);
        int found = 0;
        for (long ts = log.firstTimestamp() - 100; ts <= last.maxTimestamp() + 100; ts += 7) {
            long timestamp = ts;
            Optional<RemoteSegmentMetadata> segment = segments.stream().filter(s -> s.maxTimestamp() >= timestamp)
                .findFirst();
            Optional<OffsetAndTimestamp> local = log.localOffsetForTimestamp(timestamp);
            Optional<TimestampAndOffset> remote = get(reader.findOffsetByTimestamp(segment.orElse(last), timestamp));
            if (local.isEmpty()) {
                assertThat(remote).as("timestamp %d", timestamp).isEmpty();
                continue;
            }
            found++;
            OffsetAndTimestamp expected = local.get();
            Optional<Integer> epoch = expected.leaderEpoch() < 0 ? Optional.empty()
                : Optional.of(expected.leaderEpoch());
            assertThat(remote).as("timestamp %d", timestamp)
                .contains(new TimestampAndOffset(expected.timestamp(), expected.offset(), epoch));
        }
        assertThat(found).isGreaterThan(500);
    }

    @Test
    void timestampLookupFromAStartingOffsetSkipsEarlierRecords() throws Exception {
        for (int i = 0; i < segments.size(); i++) {
            RemoteSegmentMetadata segment = segments.get(i);
            for (long start = segment.baseOffset(); start <= segment.lastOffset(); start += 13) {
                for (long ts = segment.firstTimestamp() - 50; ts <= segment.maxTimestamp() + 50; ts += 97) {
                    Optional<long[]> expected = ReplayLog.bruteForceTimestamp(sealed.get(i), ts, start);
                    Optional<TimestampAndOffset> remote = get(reader.findOffsetByTimestamp(segment, ts, start));
                    assertThat(remote.map(r -> List.of(r.timestamp, r.offset)))
                        .as("timestamp %d from offset %d", ts, start)
                        .isEqualTo(expected.map(e -> List.of(e[0], e[1])));
                }
            }
        }
    }

    @Test
    void leaderEpochsRoundTrip() throws Exception {
        List<EpochEntry> lineage = log.log().leaderEpochCache().epochEntries();
        assertThat(lineage).extracting(EpochEntry::epoch).containsExactly(0, 2, 5);
        for (RemoteSegmentMetadata segment : segments) {
            assertThat(get(reader.leaderEpochs(segment)))
                .isEqualTo(LeaderEpochLineage.upTo(lineage, segment.lastOffset()));
        }
        assertThat(get(reader.leaderEpochs(segments.get(segments.size() - 1)))).isEqualTo(lineage);
    }

    @Test
    void aCorruptLogByteFailsReadsUntilTheObjectIsRepaired() throws Exception {
        RemoteSegmentMetadata segment = log.upload(store, sealed.get(0));
        String key = segment.objects().log().key();
        byte[] original = Files.readAllBytes(sealed.get(0).logFile());
        long[] batch = ReplayLog.batches(sealed.get(0)).get(5);
        byte[] corrupt = original.clone();
        corrupt[(int) batch[0] + BatchHeader.SIZE + 10] ^= 0x40;
        get(store.put(key, ByteBuffer.wrap(corrupt)));
        long corruptionsBefore = reader.corruptions();

        Throwable error = failure(reader.read(segment, batch[2], 1 << 20, true));

        assertThat(error).isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining(key).hasMessageContaining("position " + batch[0]);
        assertThat(Errors.forException(error)).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(reader.corruptions()).isEqualTo(corruptionsBefore + 1);
        assertThat(failure(reader.read(segment, batch[2], 1 << 20, true)))
            .as("the corrupt chunk is downloaded again, and is still corrupt")
            .isInstanceOf(CorruptRecordException.class);

        get(store.put(key, ByteBuffer.wrap(original)));
        assertThat(remoteRead(segment, batch[2], 1 << 20, true)).isEqualTo(log.localRead(batch[2], 1 << 20, true));
    }

    @Test
    void aBatchHeaderWithOffsetsOutOfOrderIsCorrupt() throws Exception {
        RemoteSegmentMetadata segment = log.upload(store, sealed.get(1));
        byte[] original = Files.readAllBytes(sealed.get(1).logFile());
        List<long[]> batches = ReplayLog.batches(sealed.get(1));
        long[] batch = batches.get(3);
        byte[] corrupt = original.clone();
        // The base offset is not covered by the batch CRC: make it repeat the previous batch's offsets.
        ByteBuffer.wrap(corrupt).putLong((int) batch[0], batches.get(2)[2]);
        get(store.put(segment.objects().log().key(), ByteBuffer.wrap(corrupt)));

        assertThat(failure(reader.read(segment, batches.get(2)[2], 1 << 20, true)))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining("position " + batch[0]);
    }

    @Test
    void aTruncatedLogObjectIsCorrupt() throws Exception {
        RemoteSegmentMetadata segment = log.upload(store, sealed.get(0));
        byte[] original = Files.readAllBytes(sealed.get(0).logFile());
        get(store.put(segment.objects().log().key(), ByteBuffer.wrap(Arrays.copyOf(original, original.length - 100))));

        assertThat(failure(reader.read(segment, segment.baseOffset(), Integer.MAX_VALUE, true)))
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageContaining(segment.objects().log().key());
    }

    @Test
    void corruptWholeObjectsFailTheirChecksumAndAreNotCached() throws Exception {
        RemoteSegmentMetadata segment = log.upload(store, sealed.get(2));
        List<RemoteObject> objects = List.of(segment.objects().offsetIndex(), segment.objects().timeIndex(),
            segment.objects().leaderEpochCheckpoint());
        List<byte[]> originals = new ArrayList<>();
        for (RemoteObject object : objects) {
            byte[] bytes = new byte[(int) object.sizeInBytes()];
            get(store.get(object.key())).get(bytes);
            originals.add(bytes);
            byte[] corrupt = bytes.clone();
            corrupt[corrupt.length / 2] ^= 0x01;
            get(store.put(object.key(), ByteBuffer.wrap(corrupt)));
        }
        long corruptionsBefore = reader.corruptions();

        assertThat(failure(reader.read(segment, segment.baseOffset() + 20, 1000, true)))
            .isInstanceOf(CorruptRecordException.class).hasMessageContaining(objects.get(0).key())
            .hasMessageContaining("CRC32C");
        assertThat(failure(reader.findOffsetByTimestamp(segment, segment.maxTimestamp() - 500)))
            .isInstanceOf(CorruptRecordException.class).hasMessageContaining(objects.get(1).key());
        assertThat(failure(reader.leaderEpochs(segment)))
            .isInstanceOf(CorruptRecordException.class).hasMessageContaining(objects.get(2).key());
        assertThat(reader.corruptions()).isGreaterThanOrEqualTo(corruptionsBefore + 3);

        for (int i = 0; i < objects.size(); i++) {
            get(store.put(objects.get(i).key(), ByteBuffer.wrap(originals.get(i))));
        }
        long offset = segment.baseOffset() + 20;
        assertThat(remoteRead(segment, offset, 1000, true)).isEqualTo(log.localRead(offset, 1000, true));
        assertThat(get(reader.findOffsetByTimestamp(segment, segment.maxTimestamp() - 500))).isPresent();
        assertThat(get(reader.leaderEpochs(segment))).isNotEmpty();
    }

    @Test
    void aMissingObjectFailsWithTheStoresNotFoundError() throws Exception {
        RemoteSegmentMetadata segment = log.upload(store, sealed.get(0));
        get(store.delete(List.of(segment.objects().log().key())));

        Throwable missingLog = failure(reader.read(segment, segment.baseOffset(), 1000, true));
        assertThat(missingLog).isInstanceOfSatisfying(RemoteObjectReadException.class, e -> {
            assertThat(e.isObjectNotFound()).isTrue();
            assertThat(e.objectKey()).isEqualTo(segment.objects().log().key());
        });
        assertThat(Errors.forException(missingLog)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);

        get(store.delete(segment.objects().keys()));
        RemoteSegmentMetadata other = log.upload(store, sealed.get(1));
        get(store.delete(other.objects().keys()));
        assertThat(failure(reader.read(other, other.baseOffset(), 1000, true)))
            .isInstanceOfSatisfying(RemoteObjectReadException.class, e -> {
                assertThat(e.isObjectNotFound()).isTrue();
                assertThat(e.objectKey()).isEqualTo(other.objects().offsetIndex().key());
            });
        assertThat(failure(reader.leaderEpochs(other))).isInstanceOf(RemoteObjectReadException.class);
    }

    @Test
    void negativeMaxBytesIsRejected() {
        assertThatThrownBy(() -> get(reader.read(segments.get(0), 0, -1, true)))
            .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    private int segmentIndexHolding(java.util.function.Predicate<long[]> batch) {
        for (int i = 0; i < sealed.size(); i++) {
            if (ReplayLog.batches(sealed.get(i)).stream().anyMatch(batch)) {
                return i;
            }
        }
        throw new AssertionError("no such batch");
    }
}
