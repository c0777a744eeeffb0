package io.sluice.tiering.read;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.InMemoryObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreException;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.sluice.tiering.read.RemoteLogReaderContractTest.CHUNK;
import static io.sluice.tiering.read.RemoteLogReaderContractTest.failure;
import static io.sluice.tiering.read.RemoteLogReaderContractTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@link RemoteLogReader} asks of the object store: each GET recorded by a {@link RecordingObjectStore} over the
 * in-memory store (chunk cache, read-ahead, shared in-flight GETs, bounded caches, failures not cached).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteLogReaderCacheTest {

    private static final RemoteReadConfig CONFIG = RemoteReadConfig.DEFAULT.withChunkBytes(CHUNK);

    private final InMemoryObjectStore memory = new InMemoryObjectStore();
    private RecordingObjectStore store;
    private ExecutorService executor;
    private ReplayLog log;
    private List<SegmentInfo> sealed;
    private List<RemoteSegmentMetadata> segments;
    private RemoteLogReader reader;

    @BeforeAll
    void setUp(@TempDir Path dir) throws Exception {
        executor = Executors.newFixedThreadPool(2);
        log = new ReplayLog(dir, "cached").append(100, 0).seal();
        sealed = log.sealed();
        segments = log.upload(memory);
    }

    @AfterAll
    void tearDown() {
        log.close();
        executor.shutdownNow();
    }

    @BeforeEach
    void newReader() {
        store = new RecordingObjectStore(memory);
        reader = new RemoteLogReader(store, CONFIG, executor);
    }

    @AfterEach
    void closeReader() {
        reader.close();
        store.release();
    }

    private static List<Long> chunk(long index) {
        return List.of(index * CHUNK, (long) CHUNK);
    }

    /** A batch of segment {@code segmentIndex} lying wholly inside chunk {@code chunkIndex}. */
    private long[] batchInsideChunk(int segmentIndex, long chunkIndex) {
        return ReplayLog.batches(sealed.get(segmentIndex)).stream()
            .filter(b -> b[0] / CHUNK == chunkIndex && (b[0] + b[1] - 1) / CHUNK == chunkIndex)
            .findFirst().orElseThrow();
    }

    @Test
    void aReadGetsTheIndexOnceAndTheChunksItTouchesPlusReadAhead() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        String logKey = segment.objects().log().key();

        get(reader.read(segment, segment.baseOffset(), 1000, true));

        assertThat(store.gets(segment.objects().offsetIndex().key())).isEqualTo(1);
        assertThat(store.ranges(logKey)).containsExactly(chunk(0), chunk(1), chunk(2));
        assertThat(reader.chunkCacheMisses()).isEqualTo(1);
        assertThat(reader.readAheadChunks()).isEqualTo(2);
        assertThat(reader.indexCacheMisses()).isEqualTo(1);
        assertThat(reader.bytesFetched()).isEqualTo(3L * CHUNK + segment.objects().offsetIndex().sizeInBytes());
    }

    @Test
    void cachedChunksAndIndexesAreNotDownloadedAgain() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        get(reader.read(segment, segment.baseOffset() + 3, 1000, true));
        List<String> readsBefore = store.reads();
        long hitsBefore = reader.chunkCacheHits();

        MemoryRecords again = get(reader.read(segment, segment.baseOffset() + 3, 1000, true));

        assertThat(again.sizeInBytes()).isPositive();
        assertThat(store.reads()).isEqualTo(readsBefore);
        assertThat(reader.chunkCacheHits()).isGreaterThan(hitsBefore);
        assertThat(reader.indexCacheHits()).isEqualTo(1);
    }

    @Test
    void readingAReadAheadChunkLoadsTheNextOne() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        String logKey = segment.objects().log().key();
        get(reader.read(segment, segment.baseOffset(), 1000, true));
        long[] batch = batchInsideChunk(0, 1);
        long hitsBefore = reader.chunkCacheHits();

        MemoryRecords records = get(reader.read(segment, batch[2], (int) batch[1], false));

        assertThat(records.sizeInBytes()).isEqualTo((int) batch[1]);
        assertThat(reader.chunkCacheHits()).isGreaterThan(hitsBefore);
        assertThat(store.ranges(logKey)).containsExactly(chunk(0), chunk(1), chunk(2), chunk(3));
    }

    @Test
    void readAheadStopsAtTheObjectsEndAndTheLastChunkIsShort() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        String logKey = segment.objects().log().key();
        long size = segment.sizeInBytes();
        long lastChunk = (size - 1) / CHUNK;

        get(reader.read(segment, segment.lastOffset(), 1 << 20, true));

        assertThat(store.ranges(logKey)).contains(List.of(lastChunk * CHUNK, size - lastChunk * CHUNK))
            .allSatisfy(range -> assertThat(range.get(0) + range.get(1)).isLessThanOrEqualTo(size));
    }

    @Test
    void concurrentReadersOfAChunkShareOneGet() throws Exception {
        RemoteSegmentMetadata segment = segments.get(1);
        String logKey = segment.objects().log().key();
        get(reader.read(segment, segment.lastOffset(), 1 << 20, true));
        store.hold();

        CompletableFuture<MemoryRecords> first = reader.read(segment, segment.baseOffset(), 3000, true);
        CompletableFuture<MemoryRecords> second = reader.read(segment, segment.baseOffset(), 3000, true);

        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(store.ranges(logKey)).containsOnlyOnce(chunk(0));
        store.release();
        assertThat(ReplayLog.bytes(get(first))).isEqualTo(ReplayLog.bytes(get(second)))
            .isEqualTo(log.localRead(segment.baseOffset(), 3000, true));
        assertThat(store.ranges(logKey)).containsOnlyOnce(chunk(0));
    }

    @Test
    void theChunkCacheStaysBounded() throws Exception {
        long capacity = 3L * CHUNK;
        RemoteLogReader small = new RemoteLogReader(store, CONFIG.withCacheBytes(capacity), executor);
        Set<List<Object>> distinctChunks = new HashSet<>();
        int readsBefore = store.reads().size();
        for (int pass = 0; pass < 2; pass++) {
            for (RemoteSegmentMetadata segment : segments) {
                for (long offset = segment.baseOffset(); offset <= segment.lastOffset(); offset += 5) {
                    get(small.read(segment, offset, 2000, true));
                    assertThat(small.cachedChunkBytes()).isLessThanOrEqualTo(capacity);
                }
                for (long i = 0; i * CHUNK < segment.sizeInBytes(); i++) {
                    distinctChunks.add(List.of(segment.objects().log().key(), i));
                }
            }
        }
        long chunkGets = store.reads().subList(readsBefore, store.reads().size()).stream()
            .filter(r -> r.startsWith("range")).count();
        assertThat(chunkGets).as("evicted chunks are downloaded again")
            .isGreaterThanOrEqualTo(2L * distinctChunks.size() - 3);
        small.close();
    }

    @Test
    void theIndexCacheStaysBounded() throws Exception {
        RemoteSegmentMetadata segment = segments.get(0);
        long indexBytes = segment.objects().offsetIndex().sizeInBytes();
        RemoteLogReader small = new RemoteLogReader(store, CONFIG.withIndexCacheBytes(indexBytes), executor);
        for (RemoteSegmentMetadata s : segments) {
            get(small.read(s, s.baseOffset(), 100, true));
            assertThat(small.cachedIndexBytes()).isLessThanOrEqualTo(indexBytes);
        }
        small.close();
    }

    @Test
    void aFailedGetIsNotCachedAndTheNextReadSucceeds() throws Exception {
        RemoteSegmentMetadata segment = segments.get(1);
        memory.failNext(InMemoryObjectStore.Operation.GET, 1, ObjectStoreException.Kind.THROTTLED);

        assertThat(failure(reader.read(segment, segment.baseOffset(), 1000, true)))
            .isInstanceOfSatisfying(RemoteObjectReadException.class, e -> {
                assertThat(e.isStoreErrorRetriable()).isTrue();
                assertThat(e.isObjectNotFound()).isFalse();
            });
        assertThat(ReplayLog.bytes(get(reader.read(segment, segment.baseOffset(), 1000, true))))
            .isEqualTo(log.localRead(segment.baseOffset(), 1000, true));
    }

    @Test
    void readAheadRunsInTheBackgroundWhileTheReadCompletes() throws Exception {
        RemoteSegmentMetadata segment = segments.get(2);
        String logKey = segment.objects().log().key();
        get(reader.read(segment, segment.lastOffset(), 1 << 20, true));
        long readAheadBefore = reader.readAheadChunks();
        store.hold();

        CompletableFuture<MemoryRecords> read = reader.read(segment, segment.baseOffset(), 100, true);
        await().until(() -> store.ranges(logKey).containsAll(List.of(chunk(0), chunk(1), chunk(2))));
        assertThat(read).isNotDone();
        assertThat(reader.readAheadChunks()).isEqualTo(readAheadBefore + 2);
        store.release();

        assertThat(get(read).sizeInBytes()).isPositive();
    }

    @Test
    void aClosedReaderRejectsCalls() {
        reader.close();
        assertThat(failure(reader.read(segments.get(0), 0, 100, true))).isInstanceOf(IllegalStateException.class);
        assertThat(failure(reader.leaderEpochs(segments.get(0)))).isInstanceOf(IllegalStateException.class);
    }
}
