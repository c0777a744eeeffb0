package io.sluice.tiering.remote;

import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteObject;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentOverlapException;
import io.sluice.metadata.remote.RemoteSegmentState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.objectstore.Retrier;
import io.sluice.tiering.objectstore.RetryPolicy;
import io.sluice.tiering.objectstore.RetryingObjectStore;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.storage.ManualTime;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link SegmentUploader}, {@link OrphanCollector} and {@link RemoteSegmentDeleter} against S3Proxy and etcd. */
@ExtendWith({EtcdExtension.class, S3Extension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentUploaderTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final List<BrokerRegistration> BROKERS = List.of(BrokerRegistration.of(1, "a", 9092, 0),
        BrokerRegistration.of(2, "b", 9092, 0));

    private MetadataStore metadata;
    private BrokerLease broker1;
    private BrokerLease broker2;
    private ObjectStore store;
    private ScheduledExecutorService scheduler;
    private ExecutorService io;
    private SegmentUploader uploader;

    @TempDir
    Path dir;
    private TopicMetadata topic;
    private TopicIdPartition tp;
    private TestLog log;

    @BeforeAll
    void start(EtcdTestEnv etcd, S3TestEnv s3) throws Exception {
        metadata = MetadataStore.connect(etcd.storeConfig().build());
        broker1 = join(metadata.registerBroker(BROKERS.get(0)));
        broker2 = join(metadata.registerBroker(BROKERS.get(1)));
        scheduler = Executors.newSingleThreadScheduledExecutor();
        io = Executors.newFixedThreadPool(2);
        S3ObjectStore s3Store = S3ObjectStore.open(s3.s3Config().build()).get(30, TimeUnit.SECONDS);
        store = new RetryingObjectStore(s3Store, new Retrier(RetryPolicy.DEFAULT.withMaxAttempts(3), scheduler));
        uploader = new SegmentUploader(store, metadata, Time.SYSTEM, io);
    }

    @AfterAll
    void stop() {
        store.close();
        broker1.close();
        broker2.close();
        metadata.close();
        scheduler.shutdownNow();
        io.shutdownNow();
    }

    @BeforeEach
    void newTopicAndLog() {
        topic = join(metadata.createTopic(NewTopicRequest.withAssignments("tiered-" + TOPICS.incrementAndGet(),
            Map.of(0, List.of(1, 2))), BROKERS));
        tp = new TopicIdPartition(topic.topicId(), 0, topic.name());
        log = new TestLog(dir, new TopicPartition(topic.name(), 0));
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    private SegmentUpload request(SegmentInfo segment, int leaderEpoch, BrokerLease broker) {
        return new SegmentUpload(tp, segment, log.log().leaderEpochCache().epochEntries(), leaderEpoch,
            broker.registration().brokerId(), broker.brokerEpoch());
    }

    private List<String> objectKeys() {
        return join(store.list(ObjectKeyFactory.partitionPrefix(tp.topicId(), 0))).stream().map(ObjectSummary::key)
            .toList();
    }

    private void moveLeadership(int leader, int leaderEpoch) {
        PartitionState current = metadata.cache().image().partition(tp.topicId(), 0).orElseThrow();
        PartitionState next = new PartitionState(leader, leaderEpoch, current.replicas(), current.isr(),
            current.partitionEpoch() + 1);
        assertThat(join(metadata.compareAndSetPartitionState(tp.topicId(), 0, current, next))).isTrue();
    }

    @Test
    void aSealedSegmentRoundTripsByteForByteWithItsChecksumsAndLeaderEpochs() throws Exception {
        log.append(61, 0);
        long epochThreeStart = log.log().logEndOffset();
        moveLeadership(1, 3);
        log.append(60, 3);
        List<SegmentInfo> sealed = log.sealed();
        assertThat(sealed).hasSizeGreaterThanOrEqualTo(3);
        SegmentInfo mixed = sealed.stream()
            .filter(s -> s.baseOffset() < epochThreeStart && s.nextOffset() > epochThreeStart).findFirst()
            .orElseThrow(() -> new AssertionError("no segment holds both epochs: " + sealed));

        RemoteSegmentMetadata first = join(uploader.upload(request(sealed.get(0), 3, broker1)));
        RemoteSegmentMetadata second = join(uploader.upload(request(mixed, 3, broker1)));

        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(first, second);
        assertThat(first.state()).isEqualTo(RemoteSegmentState.COPY_FINISHED);
        assertThat(first.baseOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(sealed.get(0).nextOffset() - 1);
        assertThat(first.sizeInBytes()).isEqualTo(sealed.get(0).sizeInBytes());
        assertThat(first.firstTimestamp()).isEqualTo(log.timestampOf(0));
        assertThat(first.maxTimestamp()).isEqualTo(log.timestampOf(first.lastOffset()));
        assertThat(first.segmentLeaderEpochs()).isEqualTo(new TreeMap<>(Map.of(0, 0L)));
        assertThat(second.segmentLeaderEpochs())
            .isEqualTo(new TreeMap<>(Map.of(0, mixed.baseOffset(), 3, epochThreeStart)));
        assertThat(first.leaderEpoch()).isEqualTo(3);
        assertThat(first.brokerId()).isEqualTo(1);
        assertThat(objectKeys()).containsExactlyInAnyOrderElementsOf(concat(first.objects().keys(),
            second.objects().keys()));

        for (RemoteSegmentMetadata uploaded : List.of(first, second)) {
            SegmentInfo local = uploaded == first ? sealed.get(0) : mixed;
            assertWholeObjectsMatch(uploaded, local);
            assertRangedReadsMatch(uploaded, local);
            assertRecordsAreContiguous(uploaded);
        }
        ByteBuffer epochs = join(store.get(second.objects().leaderEpochCheckpoint().key()));
        assertThat(LeaderEpochLineage.fromCheckpoint(bytes(epochs)))
            .containsExactly(new EpochEntry(0, 0), new EpochEntry(3, epochThreeStart));
        assertThat(join(metadata.remoteLogState(tp.topicId(), 0))).isEqualTo(new RemoteLogState(second.lastOffset(),
            2, first.sizeInBytes() + second.sizeInBytes()));
    }

    private void assertWholeObjectsMatch(RemoteSegmentMetadata uploaded, SegmentInfo local) throws Exception {
        List<RemoteObject> objects = uploaded.objects().all();
        List<Path> files = List.of(local.logFile(), local.offsetIndexFile(), local.timeIndexFile());
        for (int i = 0; i < objects.size(); i++) {
            byte[] downloaded = bytes(join(store.get(objects.get(i).key())));
            assertThat(Crc32c.of(downloaded)).as("checksum of %s", objects.get(i).key())
                .isEqualTo(objects.get(i).crc32c());
            assertThat((long) downloaded.length).isEqualTo(objects.get(i).sizeInBytes());
            if (i < files.size()) {
                assertThat(downloaded).as("%s equals the local file", objects.get(i).key())
                    .isEqualTo(Files.readAllBytes(files.get(i)));
            }
        }
        assertThat(uploaded.objects().offsetIndex().sizeInBytes()).as("the index has entries").isPositive();
    }

    private void assertRangedReadsMatch(RemoteSegmentMetadata uploaded, SegmentInfo local) throws Exception {
        byte[] file = Files.readAllBytes(local.logFile());
        String key = uploaded.objects().log().key();
        int size = file.length;
        for (int[] range : new int[][] {{0, 61}, {size / 2, 4096}, {size - 100, 100}, {size - 10, 1000}}) {
            byte[] read = bytes(join(store.getRange(key, range[0], range[1])));
            assertThat(read).as("range %s", Arrays.toString(range))
                .isEqualTo(Arrays.copyOfRange(file, range[0], Math.min(size, range[0] + range[1])));
        }
    }

    private void assertRecordsAreContiguous(RemoteSegmentMetadata uploaded) {
        MemoryRecords records = MemoryRecords.readableRecords(join(store.get(uploaded.objects().log().key())));
        long expected = uploaded.baseOffset();
        for (RecordBatch batch : records.batches()) {
            batch.ensureValid();
            for (Record record : batch) {
                assertThat(record.offset()).isEqualTo(expected);
                assertThat(StandardCharsets.UTF_8.decode(record.value()).toString())
                    .isEqualTo(TestLog.value(expected));
                expected++;
            }
        }
        assertThat(expected - 1).isEqualTo(uploaded.lastOffset());
    }

    @Test
    void aDeposedLeadersUploadIsFencedAndItsObjectsDeletedWhileTheNewLeaderUploads() {
        log.append(50, 0);
        List<SegmentInfo> sealed = log.sealed();
        RemoteSegmentMetadata first = join(uploader.upload(request(sealed.get(0), 0, broker1)));
        moveLeadership(2, 1);

        assertFails(uploader.upload(request(sealed.get(1), 0, broker1))).isInstanceOf(FencedLeaderEpochException.class);

        assertThat(objectKeys()).as("the fenced upload's objects are gone")
            .containsExactlyInAnyOrderElementsOf(first.objects().keys());
        RemoteSegmentMetadata byNewLeader = join(uploader.upload(request(sealed.get(1), 1, broker2)));
        assertThat(byNewLeader.brokerId()).isEqualTo(2);
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(first, byNewLeader);
    }

    @Test
    void anOverlappingUploadIsRejectedAndCleanedUp() {
        log.append(50, 0);
        List<SegmentInfo> sealed = log.sealed();
        RemoteSegmentMetadata second = join(uploader.upload(request(sealed.get(1), 0, broker1)));

        assertFails(uploader.upload(request(sealed.get(1), 0, broker1)))
            .isInstanceOf(RemoteSegmentOverlapException.class);
        assertFails(uploader.upload(request(sealed.get(0), 0, broker1))).as("below the highest registered offset")
            .isInstanceOf(RemoteSegmentOverlapException.class);

        assertThat(objectKeys()).containsExactlyInAnyOrderElementsOf(second.objects().keys());
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(second);
    }

    @Test
    void orphansOlderThanTheThresholdAreCollectedAndEverythingElseIsKept() {
        log.append(30, 0);
        RemoteSegmentMetadata registered = join(uploader.upload(request(log.sealed().get(0), 0, broker1)));
        ObjectKeyFactory.SegmentKeys orphan = ObjectKeyFactory.segmentKeys(tp.topicId(), 0, 500, Uuid.randomUuid());
        String foreign = ObjectKeyFactory.partitionPrefix(tp.topicId(), 0) + "notes.txt";
        for (String key : List.of(orphan.log(), orphan.offsetIndex(), foreign)) {
            join(store.put(key, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        }
        ManualTime time = new ManualTime(System.currentTimeMillis());
        OrphanCollector collector = new OrphanCollector(store, metadata, time, Duration.ofHours(1));

        OrphanCollector.Result young = join(collector.collect(tp.topicId(), 0));
        assertThat(young.deleted()).isEmpty();
        assertThat(young.tooYoung()).isEqualTo(2);
        assertThat(young.scanned()).isEqualTo(7);

        time.advance(Duration.ofHours(2).toMillis());
        OrphanCollector.Result old = join(collector.collect(tp.topicId(), 0));
        assertThat(old.deleted()).containsExactlyInAnyOrder(orphan.log(), orphan.offsetIndex());
        assertThat(objectKeys()).containsExactlyInAnyOrderElementsOf(concat(registered.objects().keys(),
            List.of(foreign)));
    }

    @Test
    void retentionDeletesRemoteSegmentsThenTheirRegistrations() {
        log.append(50, 0);
        List<SegmentInfo> sealed = log.sealed();
        RemoteSegmentMetadata a = join(uploader.upload(request(sealed.get(0), 0, broker1)));
        RemoteSegmentMetadata b = join(uploader.upload(request(sealed.get(1), 0, broker1)));
        RemoteSegmentDeleter deleter = new RemoteSegmentDeleter(store, metadata);

        assertFails(deleter.delete(tp.topicId(), 0, List.of(a), 0, 2, broker2.brokerEpoch()))
            .as("only the leader applies retention").isInstanceOf(
                org.apache.kafka.common.errors.NotLeaderOrFollowerException.class);
        assertThat(join(deleter.delete(tp.topicId(), 0, List.of(a), 0, 1, broker1.brokerEpoch()))).isEqualTo(1);

        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(b);
        assertThat(objectKeys()).containsExactlyInAnyOrderElementsOf(b.objects().keys());
        assertThat(join(metadata.remoteLogState(tp.topicId(), 0)))
            .isEqualTo(new RemoteLogState(b.lastOffset(), 1, b.sizeInBytes()));
    }

    @Test
    void aDeletionLeftHalfDoneByAFormerLeaderIsFinished() {
        log.append(30, 0);
        RemoteSegmentMetadata a = join(uploader.upload(request(log.sealed().get(0), 0, broker1)));
        join(metadata.startRemoteSegmentDeletion(tp.topicId(), 0, List.of(a), 0, 1, broker1.brokerEpoch()));
        moveLeadership(2, 1);

        assertThat(join(new RemoteSegmentDeleter(store, metadata).finishStartedDeletions(tp.topicId(), 0)))
            .isEqualTo(1);
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void theRemoteDataOfADeletedTopicIsCollected() {
        log.append(30, 0);
        join(uploader.upload(request(log.sealed().get(0), 0, broker1)));
        OrphanCollector collector = new OrphanCollector(store, metadata, Time.SYSTEM, Duration.ofHours(1));
        assertThat(join(collector.collectDeletedTopics()).deleted()).as("the topic still exists")
            .doesNotContainAnyElementsOf(objectKeys());

        join(metadata.deleteTopic(topic.name()));
        OrphanCollector.Result result = join(collector.collectDeletedTopics());

        assertThat(result.deleted()).hasSize(4);
        assertThat(objectKeys()).isEmpty();
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();
        assertThat(join(metadata.remoteLogPartitions())).doesNotContainKey(tp.topicId());
    }

    @Test
    void concurrentUploadsOfConsecutiveSegmentsRegisterInOrderOnly() {
        log.append(60, 0);
        List<SegmentInfo> sealed = log.sealed();
        List<CompletableFuture<RemoteSegmentMetadata>> inOrder = new ArrayList<>();
        CompletableFuture<RemoteSegmentMetadata> previous = CompletableFuture.completedFuture(null);
        for (SegmentInfo s : sealed) {
            previous = previous.thenCompose(x -> uploader.upload(request(s, 0, broker1)));
            inOrder.add(previous);
        }
        join(previous);
        List<RemoteSegmentMetadata> registered = join(metadata.remoteSegments(tp.topicId(), 0));
        assertThat(registered).hasSize(sealed.size());
        for (int i = 1; i < registered.size(); i++) {
            assertThat(registered.get(i).baseOffset()).as("no gap, no overlap")
                .isEqualTo(registered.get(i - 1).nextOffset());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
