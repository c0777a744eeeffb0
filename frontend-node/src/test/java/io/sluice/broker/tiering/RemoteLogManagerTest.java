package io.sluice.broker.tiering;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In-process brokers against a real etcd and a real S3-compatible server (S3Proxy): sealed segments of led
 * partitions are uploaded and registered, byte-identical and contiguous; topics with {@code remote.storage.enable=false}
 * are not; after a leader change the new leader continues where the old one stopped.
 */
@ExtendWith({EtcdExtension.class, S3Extension.class})
class RemoteLogManagerTest {
    private static final String VALUE = "v".repeat(600);
    private static S3ObjectStore bucket;

    private final List<TestBroker> brokers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void openBucket(S3TestEnv s3) throws Exception {
        bucket = S3ObjectStore.open(s3.s3Config().build()).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        brokers.forEach(TestBroker::close);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private Map<String, String> settings(S3TestEnv s3, String namespace, int id, String prefix) {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("etcd.namespace", namespace);
        settings.put("auto.leader.rebalance.enable", "false");
        settings.put("replica.lag.time.max.ms", "3000");
        settings.put("remote.log.manager.task.interval.ms", "200");
        settings.put("sluice.s3.endpoint", s3.endpoint());
        settings.put("sluice.s3.bucket", s3.bucket());
        settings.put("sluice.s3.prefix", prefix);
        settings.put("sluice.s3.access.key", s3.accessKey());
        settings.put("sluice.s3.secret.key", s3.secretKey());
        return settings;
    }

    private TestBroker start(EtcdTestEnv etcd, S3TestEnv s3, Path dir, String namespace, int id, String prefix)
            throws Exception {
        TestBroker broker = TestBroker.start(etcd, dir.resolve("b" + id), settings(s3, namespace, id, prefix));
        brokers.add(broker);
        return broker;
    }

    private MetadataStore metadata(EtcdTestEnv etcd, String namespace) {
        MetadataStore store = MetadataStore.connect(MetadataStoreConfig.builder(etcd.endpoint())
                .namespace(namespace).build());
        closeables.add(store);
        return store;
    }

    @Test
    void sealedSegmentsAreUploadedByteIdenticalAndRegisteredContiguously(EtcdTestEnv etcd, S3TestEnv s3,
                                                                         @TempDir Path dir) throws Exception {
        String namespace = etcd.newNamespace();
        TestBroker broker = start(etcd, s3, dir, namespace, 1, "single");
        broker.createTopic("tiered", 1, Map.of("segment.bytes", "4096"));
        broker.createTopic("local-only", 1, Map.of("segment.bytes", "4096", "remote.storage.enable", "false"));
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>("tiered", 0, "k" + i, VALUE)).get();
                producer.send(new ProducerRecord<>("local-only", 0, "k" + i, VALUE)).get();
            }
        }
        List<SegmentInfo> sealed = sealedSegments(broker, "tiered-0");
        assertThat(sealed).hasSizeGreaterThan(5);
        assertThat(sealedSegments(broker, "local-only-0")).hasSizeGreaterThan(5);
        long lastSealedOffset = sealed.get(sealed.size() - 1).nextOffset() - 1;

        MetadataStore store = metadata(etcd, namespace);
        Uuid tieredId = topicId(broker, "tiered");
        List<RemoteSegmentMetadata> registered = awaitRegisteredUpTo(store, tieredId, lastSealedOffset);

        assertContiguousFromZero(registered);
        assertThat(registered).extracting(RemoteSegmentMetadata::brokerId).containsOnly(1);
        assertThat(registered).extracting(RemoteSegmentMetadata::baseOffset)
                .containsExactlyElementsOf(sealed.stream().map(SegmentInfo::baseOffset).toList());
        for (int i = 0; i < sealed.size(); i++) {
            assertByteIdentical("single/", registered.get(i), sealed.get(i));
        }
        assertThat(store.remoteLogState(tieredId, 0).get(10, TimeUnit.SECONDS).highestOffset())
                .isEqualTo(lastSealedOffset);
        // four objects per segment (.log, .index, .timeindex, leader epoch checkpoint), nothing for local-only
        List<ObjectSummary> objects = bucket.list("single/").get(10, TimeUnit.SECONDS);
        assertThat(objects).hasSize(4 * registered.size());
        assertThat(store.remoteSegments(topicId(broker, "local-only"), 0).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(objects).noneMatch(o -> o.key().contains(topicId(broker, "local-only").toString()));
        assertThat(scrape(broker)).contains("sluice_remote_copy_segments_total")
                .contains("sluice_partition_remote_log_end_offset{broker=\"1\",partition=\"0\",topic=\"tiered\"} "
                        + (double) (lastSealedOffset + 1));
    }

    @Test
    void onlyTheLeaderUploadsAndANewLeaderContinuesWithoutGapsOrOverlaps(EtcdTestEnv etcd, S3TestEnv s3,
                                                                         @TempDir Path dir) throws Exception {
        String namespace = etcd.newNamespace();
        for (int id = 1; id <= 3; id++) {
            start(etcd, s3, dir, namespace, id, "failover");
        }
        TestBroker first = brokers.get(0);
        try (Admin admin = first.admin()) {
            admin.createTopics(List.of(new NewTopic("moving", Map.of(0, List.of(1, 2, 3)))
                    .configs(Map.of("segment.bytes", "4096", "min.insync.replicas", "1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> state(first, "moving").isr().size() == 3);
        // acks=all and one record per request: followers copy batch by batch and roll at the leader's offsets
        produce(first, "moving", 0, 40);
        MetadataStore store = metadata(etcd, namespace);
        Uuid topicId = topicId(first, "moving");
        List<SegmentInfo> sealedByFirst = sealedSegments(first, "moving-0");
        assertThat(sealedByFirst).hasSizeGreaterThan(3);
        long firstLeaderEnd = sealedByFirst.get(sealedByFirst.size() - 1).nextOffset() - 1;
        List<RemoteSegmentMetadata> before = awaitRegisteredUpTo(store, topicId, firstLeaderEnd);
        assertThat(before).extracting(RemoteSegmentMetadata::brokerId).containsOnly(1);
        assertContiguousFromZero(before);

        brokers.get(0).close();
        TestBroker second = brokers.get(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(second, "moving").leader() > 1);
        int newLeader = state(second, "moving").leader();
        TestBroker leader = brokers.get(newLeader - 1);
        produce(leader, "moving", 40, 40);
        List<SegmentInfo> sealedByLeader = sealedSegments(leader, "moving-0");
        long newLeaderEnd = sealedByLeader.get(sealedByLeader.size() - 1).nextOffset() - 1;
        assertThat(newLeaderEnd).isGreaterThan(firstLeaderEnd);
        List<RemoteSegmentMetadata> after = awaitRegisteredUpTo(store, topicId, newLeaderEnd);

        assertContiguousFromZero(after);
        assertThat(after.subList(0, before.size())).isEqualTo(before);
        List<RemoteSegmentMetadata> byNewLeader = after.subList(before.size(), after.size());
        assertThat(byNewLeader).isNotEmpty().extracting(RemoteSegmentMetadata::brokerId).containsOnly(newLeader);
        for (RemoteSegmentMetadata segment : byNewLeader) {
            SegmentInfo local = sealedByLeader.stream().filter(s -> s.baseOffset() == segment.baseOffset())
                    .findFirst().orElseThrow();
            assertByteIdentical("failover/", segment, local);
        }
    }

    @Test
    void aNewLeaderWhoseSegmentStraddlesTheRemoteEndUploadsASlice(EtcdTestEnv etcd, S3TestEnv s3, @TempDir Path dir)
            throws Exception {
        String namespace = etcd.newNamespace();
        for (int id = 1; id <= 3; id++) {
            start(etcd, s3, dir, namespace, id, "straddle");
        }
        TestBroker first = brokers.get(0);
        try (Admin admin = first.admin()) {
            admin.createTopics(List.of(new NewTopic("sliced", Map.of(0, List.of(1, 2, 3)))
                    .configs(Map.of("segment.bytes", "4096", "min.insync.replicas", "1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> state(first, "sliced").isr().size() == 3);
        TopicPartition tp = new TopicPartition("sliced", 0);
        produce(first, "sliced", 0, 3);
        // the followers roll at offset 3 (the leader does not), so their segment boundaries differ from the leader's
        for (TestBroker follower : brokers.subList(1, 3)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.broker().replicaManager().partition(tp)
                    .orElseThrow().logEndOffset() == 3);
            follower.broker().replicaManager().partition(tp).orElseThrow().log().roll();
        }
        produce(first, "sliced", 3, 37);
        MetadataStore store = metadata(etcd, namespace);
        Uuid topicId = topicId(first, "sliced");
        List<SegmentInfo> sealedByFirst = sealedSegments(first, "sliced-0");
        long firstLeaderEnd = sealedByFirst.get(sealedByFirst.size() - 1).nextOffset() - 1;
        List<RemoteSegmentMetadata> before = awaitRegisteredUpTo(store, topicId, firstLeaderEnd);

        brokers.get(0).close();
        TestBroker second = brokers.get(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(second, "sliced").leader() > 1);
        TestBroker leader = brokers.get(state(second, "sliced").leader() - 1);
        List<SegmentInfo> leaderSegments = sealedSegments(leader, "sliced-0");
        long remoteEnd = before.get(before.size() - 1).lastOffset() + 1;
        assertThat(leaderSegments).as("the new leader has a segment straddling the remote end %d", remoteEnd)
                .anyMatch(s -> s.baseOffset() < remoteEnd && remoteEnd < s.nextOffset());
        produce(leader, "sliced", 40, 30);
        List<SegmentInfo> sealedByLeader = sealedSegments(leader, "sliced-0");
        List<RemoteSegmentMetadata> after = awaitRegisteredUpTo(store, topicId,
                sealedByLeader.get(sealedByLeader.size() - 1).nextOffset() - 1);

        assertContiguousFromZero(after);
        RemoteSegmentMetadata slice = after.get(before.size());
        assertThat(slice.baseOffset()).isEqualTo(remoteEnd);
        SegmentInfo source = sealedByLeader.stream()
                .filter(s -> s.baseOffset() < remoteEnd && remoteEnd < s.nextOffset()).findFirst().orElseThrow();
        assertThat(slice.lastOffset()).isEqualTo(source.nextOffset() - 1);
        ByteBuffer object = bucket.get("straddle/" + slice.objects().log().key()).get(10, TimeUnit.SECONDS);
        byte[] sliceBytes = new byte[object.remaining()];
        object.get(sliceBytes);
        byte[] sourceBytes = Files.readAllBytes(source.logFile());
        assertThat(sliceBytes.length).isLessThan(sourceBytes.length);
        assertThat(java.util.Arrays.copyOfRange(sourceBytes, sourceBytes.length - sliceBytes.length, sourceBytes.length))
                .as("the slice is the straddling segment's bytes from the remote end on").isEqualTo(sliceBytes);
        try (var staged = Files.list(leader.logDir().resolve(RemoteLogManager.STAGING_DIR))) {
            assertThat(staged).as("slices are removed after upload").isEmpty();
        }
    }

    private static void produce(TestBroker broker, String topic, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, VALUE)).get(20, TimeUnit.SECONDS);
            }
        }
    }

    private static List<RemoteSegmentMetadata> awaitRegisteredUpTo(MetadataStore store, Uuid topicId, long lastOffset) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> store.remoteSegments(topicId, 0)
                        .get(10, TimeUnit.SECONDS),
                segments -> !segments.isEmpty() && segments.get(segments.size() - 1).lastOffset() >= lastOffset);
    }

    private static void assertContiguousFromZero(List<RemoteSegmentMetadata> segments) {
        assertThat(segments.get(0).baseOffset()).isZero();
        for (int i = 1; i < segments.size(); i++) {
            assertThat(segments.get(i).baseOffset()).as("segment %d starts right after segment %d", i, i - 1)
                    .isEqualTo(segments.get(i - 1).lastOffset() + 1);
        }
    }

    private static void assertByteIdentical(String prefix, RemoteSegmentMetadata remote, SegmentInfo local) throws Exception {
        assertThat(remote.baseOffset()).isEqualTo(local.baseOffset());
        assertThat(remote.lastOffset()).isEqualTo(local.nextOffset() - 1);
        ByteBuffer object = bucket.get(prefix + remote.objects().log().key()).get(10, TimeUnit.SECONDS);
        byte[] bytes = new byte[object.remaining()];
        object.get(bytes);
        assertThat(bytes).isEqualTo(Files.readAllBytes(local.logFile()));
    }

    /** The partition's sealed segments, from its directory: every {@code .log} file but the newest (active) one. */
    private static List<SegmentInfo> sealedSegments(TestBroker broker, String dirName) throws Exception {
        List<Path> logs;
        try (var files = Files.list(broker.logDir().resolve(dirName))) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        List<SegmentInfo> sealed = new ArrayList<>();
        for (int i = 0; i + 1 < logs.size(); i++) {
            Path log = logs.get(i);
            sealed.add(new SegmentInfo(baseOffset(log), baseOffset(logs.get(i + 1)), (int) Files.size(log), -1, log,
                    null, null, false));
        }
        return sealed;
    }

    private static long baseOffset(Path logFile) {
        String name = logFile.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - ".log".length()));
    }

    private static Uuid topicId(TestBroker broker, String topic) {
        return broker.broker().metadataImage().topic(topic).orElseThrow().topicId();
    }

    private static PartitionState state(TestBroker broker, String topic) {
        return broker.broker().metadataImage().partition(new TopicPartition(topic, 0)).orElseThrow();
    }

    private static String scrape(TestBroker broker) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(broker.httpUrl() + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
