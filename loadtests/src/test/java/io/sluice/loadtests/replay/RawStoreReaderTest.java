package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.tiering.objectstore.InMemoryObjectStore;
import io.sluice.tiering.objectstore.ObjectNotFoundException;
import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.remote.ObjectKeyFactory;
import io.sluice.tiering.remote.ObjectKeyFactory.SegmentKeys;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class RawStoreReaderTest {
    private static final int CHUNK = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final Uuid topicId = Uuid.randomUuid();
    private final Uuid otherTopic = Uuid.randomUuid();

    private String putSegment(Uuid topic, int partition, long baseOffset, int logBytes) {
        SegmentKeys keys = ObjectKeyFactory.segmentKeys(topic, partition, baseOffset, Uuid.randomUuid());
        byte[] data = new byte[logBytes];
        new Random(baseOffset).nextBytes(data);
        store.put(keys.log(), ByteBuffer.wrap(data)).join();
        store.put(keys.offsetIndex(), ByteBuffer.wrap(new byte[16])).join();
        store.put(keys.timeIndex(), ByteBuffer.wrap(new byte[24])).join();
        store.put(keys.leaderEpochCheckpoint(), ByteBuffer.wrap(new byte[8])).join();
        return keys.log();
    }

    @Test
    void listsOnlyTheTopicsLogObjectsInReplayOrder() {
        String p1Second = putSegment(topicId, 1, 2000, 10);
        String p0Second = putSegment(topicId, 0, 1000, 10);
        String p1First = putSegment(topicId, 1, 0, 10);
        String p0First = putSegment(topicId, 0, 0, 10);
        putSegment(topicId, 2, 0, 10); // a partition beyond the count asked for
        putSegment(otherTopic, 0, 0, 10);
        store.put("unrelated/key.log", ByteBuffer.wrap(new byte[3])).join();

        List<ObjectSummary> logs = TieredObjects.logObjects(store, topicId, 2).join();

        assertThat(logs).extracting(ObjectSummary::key).containsExactly(p0First, p0Second, p1First, p1Second);
        assertThat(logs).extracting(ObjectSummary::sizeInBytes).containsOnly(10L);
    }

    @Test
    void readsEveryByteInAlignedChunks() throws Exception {
        putSegment(topicId, 0, 0, 3 * CHUNK);          // 3 whole chunks
        putSegment(topicId, 0, 500, 2 * CHUNK + 100);   // 2 whole chunks and a short last one
        putSegment(topicId, 0, 900, 1);                 // one tiny chunk
        List<ObjectSummary> logs = TieredObjects.logObjects(store, topicId, 1).join();

        RawReadResult result = new RawStoreReader(store, CHUNK, 3, Time.SYSTEM).read(logs, TIMEOUT);

        assertThat(result.objects()).isEqualTo(3);
        assertThat(result.bytes()).isEqualTo(5L * CHUNK + 101);
        assertThat(result.gets()).isEqualTo(7);
        assertThat(store.calls(InMemoryObjectStore.Operation.GET)).isEqualTo(7);
        assertThat(result.getLatency().count()).isEqualTo(7);
        assertThat(result.seconds()).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void keepsAtMostConcurrencyGetsInFlightAndStartsOneAsEachCompletes() {
        putSegment(topicId, 0, 0, 10 * CHUNK);
        List<ObjectSummary> logs = TieredObjects.logObjects(store, topicId, 1).join();
        GatedObjectStore gated = new GatedObjectStore(store);
        RawStoreReader reader = new RawStoreReader(gated, CHUNK, 3, Time.SYSTEM);

        CompletableFuture<RawReadResult> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(logs, TIMEOUT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        for (int released = 0; released < 7; released++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gated.inFlight() == 3);
            assertThat(gated.releaseOne()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gated.inFlight() == 3);
        for (int last = 0; last < 3; last++) {
            assertThat(gated.releaseOne()).isTrue();
        }
        assertThat(read.join().bytes()).isEqualTo(10L * CHUNK);
        assertThat(gated.releaseOne()).isFalse();
        assertThat(gated.maxInFlight()).isEqualTo(3);
    }

    @Test
    void aFailedGetFailsTheReadWithTheStoresError() {
        putSegment(topicId, 0, 0, 4 * CHUNK);
        List<ObjectSummary> logs = TieredObjects.logObjects(store, topicId, 1).join();
        store.failNext(InMemoryObjectStore.Operation.GET, 1, ObjectStoreException.Kind.SERVER_ERROR);

        assertThatThrownBy(() -> new RawStoreReader(store, CHUNK, 2, Time.SYSTEM).read(logs, TIMEOUT))
            .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.kind()).isEqualTo(ObjectStoreException.Kind.SERVER_ERROR));
    }

    @Test
    void aMissingObjectFailsTheRead() {
        List<ObjectSummary> gone = List.of(new ObjectSummary(
            ObjectKeyFactory.key(topicId, 0, 0, Uuid.randomUuid(), ObjectKeyFactory.Suffix.LOG), 100, Instant.EPOCH));

        assertThatThrownBy(() -> new RawStoreReader(store, CHUNK, 2, Time.SYSTEM).read(gone, TIMEOUT))
            .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void aChunkShorterThanTheListedSizeFailsTheRead() {
        String key = putSegment(topicId, 0, 0, 2 * CHUNK + 10);
        List<ObjectSummary> claimed = List.of(new ObjectSummary(key, 2L * CHUNK + 20, Instant.EPOCH));

        assertThatThrownBy(() -> new RawStoreReader(store, CHUNK, 2, Time.SYSTEM).read(claimed, TIMEOUT))
            .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.kind()).isEqualTo(ObjectStoreException.Kind.OTHER))
            .hasMessageContaining("returned 10 bytes");
    }

    @Test
    void nothingToReadIsAnEmptyResult() throws Exception {
        RawReadResult result = new RawStoreReader(store, CHUNK, 2, Time.SYSTEM).read(List.of(), TIMEOUT);
        assertThat(result.bytes()).isZero();
        assertThat(result.gets()).isZero();
        assertThat(result.getLatency()).isNull();
        assertThat(result.megabytesPerSecond()).isZero();
    }
}
