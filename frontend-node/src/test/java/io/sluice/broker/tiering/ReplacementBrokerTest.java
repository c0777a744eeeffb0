package io.sluice.broker.tiering;

import io.sluice.broker.cluster.DeliveryChecker;
import io.sluice.broker.cluster.DeliveryReport;
import io.sluice.broker.cluster.PartitionReader;
import io.sluice.broker.cluster.SequencedValue;
import io.sluice.broker.testing.RawKafkaConnection;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.epoch.EpochEntry;
import io.sluice.storage.log.PartitionLog;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4's replacement-broker test: a follower loses its whole disk and comes back under the same node id. With
 * tiered storage it must copy only the leader's local tail (KIP-405's follower rule: the leader answers
 * {@code OFFSET_MOVED_TO_TIERED_STORAGE}, the follower restarts its log at the leader's local log start offset and
 * restores the leader epochs of the tiered offsets from remote storage; {@code docs/tiered-storage.md}, "A replacement
 * broker"), and once it leads it must serve the whole history, the tiered part from S3.
 *
 * <p>Three in-process brokers (so the test sees each replica's {@link PartitionLog}) on a real etcd and the shared
 * S3Proxy. A topic with 2 KiB segments and {@code local.retention.bytes=4096} is written in two leader epochs (broker 1
 * leads first and is then shut down, so another broker leads), until dozens of segments are in S3 and the leader's
 * local log start offset lies above the first epoch.
 */
@ExtendWith({EtcdExtension.class, S3Extension.class})
class ReplacementBrokerTest {
    private static final String TOPIC = "replaced";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int SEGMENT_BYTES = 2048;
    private static final int LOCAL_RETENTION_BYTES = 4096;
    private static final String PREFIX = "replacement";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final Map<Integer, TestBroker> brokers = new TreeMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EtcdTestEnv etcd;
    private S3TestEnv s3;
    private String namespace;

    @AfterEach
    void stop() throws Exception {
        brokers.values().forEach(TestBroker::close);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void aBrokerWithAnEmptyDiskCopiesOnlyTheLocalTailAndServesTheWholeHistoryOnceItLeads(EtcdTestEnv etcd,
                                                                                        S3TestEnv s3)
            throws Exception {
        this.etcd = etcd;
        this.s3 = s3;
        this.namespace = etcd.newNamespace();
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
        try (Admin admin = brokers.get(1).admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3))).configs(Map.of(
                    "segment.bytes", Integer.toString(SEGMENT_BYTES),
                    "local.retention.bytes", Integer.toString(LOCAL_RETENTION_BYTES),
                    "min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        PartitionState first = awaitState("a full ISR", s -> s.leader() == 1 && s.isr().size() == 3);
        DeliveryChecker checker = new DeliveryChecker();

        // epoch 1: broker 1 leads; then it shuts down and another broker leads a second epoch
        produce("a", 200, checker);
        long firstEpochEnd = partitionLog(1).logEndOffset();
        brokers.remove(1).close();
        PartitionState second = awaitState("a new leader", s -> s.leader() != 1 && s.hasLeader()
                && s.leaderEpoch() > first.leaderEpoch() && !s.isr().contains(1));
        int leaderId = second.leader();
        int followerId = leaderId == 2 ? 3 : 2;
        produce("b", 500, checker);

        // the leader's history moves to S3; its local log keeps only a tail well above the first epoch
        PartitionLog leader = partitionLog(leaderId);
        MetadataStore etcdStore = metadataStore();
        Uuid topicId = brokers.get(leaderId).broker().metadataImage().topic(TOPIC).orElseThrow().topicId();
        await("the leader's sealed segments in S3 and its local log start above the first epoch")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> etcdStore.remoteLogState(topicId, 0).get(10, TimeUnit.SECONDS).highestOffset()
                        >= lastSealedOffset(leader) && leader.localLogStartOffset() > firstEpochEnd
                        && leader.size() < LOCAL_RETENTION_BYTES + SEGMENT_BYTES);
        List<EpochEntry> leaderEpochs = leader.leaderEpochCache().epochEntries();
        assertThat(leaderEpochs).as("leader epochs on the leader").hasSizeGreaterThanOrEqualTo(2);
        OffsetForLeaderEpochResponseData.EpochEndOffset oldEpochOnLeader =
                offsetForLeaderEpoch(brokers.get(leaderId), first.leaderEpoch());
        assertThat(oldEpochOnLeader.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(oldEpochOnLeader.endOffset()).isEqualTo(firstEpochEnd);

        // the follower loses its disk and returns with the same node id
        brokers.remove(followerId).close();
        deleteRecursively(dir.resolve("broker-" + followerId));
        long leaderLocalStartAtRestart = leader.localLogStartOffset();
        long leaderLogEnd = leader.logEndOffset();
        start(followerId);
        awaitState("the replacement back in the ISR", s -> s.leader() == leaderId && s.isr().contains(followerId));
        PartitionLog replacement = partitionLog(followerId);
        await("the replacement caught up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> replacement.logEndOffset() == leaderLogEnd);

        long highestRegistered = etcdStore.remoteLogState(topicId, 0).get(10, TimeUnit.SECONDS).highestOffset();
        assertThat(replacement.logStartOffset()).as("log start offset").isEqualTo(leader.logStartOffset()).isZero();
        assertThat(replacement.localLogStartOffset()).as("the replacement's local log start offset")
                .isPositive()
                .isGreaterThanOrEqualTo(leaderLocalStartAtRestart)
                .isLessThanOrEqualTo(highestRegistered + 1);
        Path replacementDir = brokers.get(followerId).logDir().resolve(TOPIC + "-0");
        long replacementBytes = LocalSegmentFiles.logBytes(replacementDir);
        long leaderLocalBytes = LocalSegmentFiles.logBytes(brokers.get(leaderId).logDir().resolve(TOPIC + "-0"));
        long historyBytes = etcdStore.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS).stream()
                .mapToLong(RemoteSegmentMetadata::sizeInBytes).sum() + leaderLocalBytes;
        assertThat(replacementBytes).as("bytes of .log files the replacement copied (history: %d bytes, leader's local"
                        + " tail: %d bytes)", historyBytes, leaderLocalBytes)
                .isPositive()
                .isLessThanOrEqualTo(leaderLocalBytes + SEGMENT_BYTES)
                .isLessThan(historyBytes / 4);
        assertThat(LocalSegmentFiles.baseOffsets(replacementDir)).as("the replacement's .log files")
                .allMatch(base -> base >= leaderLocalStartAtRestart, "at or above the leader's local log start "
                        + leaderLocalStartAtRestart + " when the replacement started");
        assertThat(replacement.leaderEpochCache().epochEntries()).as("leader epochs restored on the replacement")
                .isEqualTo(leaderEpochs);

        // the replacement leads (the others stop) and serves the whole history, the tiered part from S3
        brokers.remove(leaderId).close();
        TestBroker newLeader = brokers.get(followerId);
        PartitionState third = awaitState("the replacement leads", s -> s.leader() == followerId);
        assertThat(third.leaderEpoch()).isGreaterThan(second.leaderEpoch());
        double fetchedFromS3Before = remoteFetchBytes(newLeader);
        DeliveryReport report = checker.verify(PartitionReader.readAll(() -> newLeader.stringConsumer(Map.of()),
                List.of(TP), Map.of(TP, checker.maxAcknowledgedOffset(TP).orElseThrow() + 1),
                Duration.ofSeconds(60)));
        assertThat(report.violations()).as("%s", report).isEmpty();
        assertThat(report.read()).isEqualTo(700).isEqualTo(report.acknowledged());
        assertThat(remoteFetchBytes(newLeader)).as("bytes the replacement read from S3")
                .isGreaterThan(fetchedFromS3Before);
        try (Admin admin = newLeader.admin()) {
            assertThat(admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP)
                    .get(30, TimeUnit.SECONDS).offset()).as("ListOffsets earliest").isZero();
        }
        OffsetForLeaderEpochResponseData.EpochEndOffset oldEpoch = offsetForLeaderEpoch(newLeader,
                first.leaderEpoch());
        assertThat(oldEpoch.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(oldEpoch.leaderEpoch()).isEqualTo(oldEpochOnLeader.leaderEpoch());
        assertThat(oldEpoch.endOffset()).as("end offset of epoch %d, below the local log start offset %d",
                first.leaderEpoch(), replacement.localLogStartOffset())
                .isEqualTo(firstEpochEnd).isLessThan(replacement.localLogStartOffset());
    }

    private void start(int id) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("etcd.namespace", namespace);
        settings.put("auto.leader.rebalance.enable", "false");
        settings.put("replica.lag.time.max.ms", "3000");
        settings.put("remote.log.manager.task.interval.ms", "200");
        settings.put("log.retention.check.interval.ms", "200");
        settings.put("log.initial.task.delay.ms", "100");
        settings.put("sluice.s3.endpoint", s3.endpoint());
        settings.put("sluice.s3.bucket", s3.bucket());
        settings.put("sluice.s3.prefix", PREFIX);
        settings.put("sluice.s3.access.key", s3.accessKey());
        settings.put("sluice.s3.secret.key", s3.secretKey());
        brokers.put(id, TestBroker.start(etcd, dir.resolve("broker-" + id), settings));
    }

    /** Writes {@code count} records as producer {@code name} (idempotent, acks=all) and waits for every send. */
    private void produce(String name, int count, DeliveryChecker checker) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.values().stream().map(TestBroker::bootstrapServers)
                .collect(Collectors.joining(",")));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, SEGMENT_BYTES / 2); // a batch must fit a segment
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                SequencedValue value = new SequencedValue(name, i);
                producer.send(new ProducerRecord<>(TOPIC, 0, null, value.encode(100)), checker.sending(value, TP));
            }
            producer.flush();
        }
        assertThat(checker.failedCount()).as("failed sends: %s", checker.sampleFailures(5)).isZero();
    }

    private PartitionLog partitionLog(int id) {
        return brokers.get(id).broker().replicaManager().partition(TP).orElseThrow().log();
    }

    /** Waits until a running broker's metadata shows the partition in a state that satisfies {@code condition}. */
    private PartitionState awaitState(String description, java.util.function.Predicate<PartitionState> condition) {
        return await(description).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> brokers.values().iterator().next().broker().metadataImage().partition(TP)
                        .orElse(null), s -> s != null && condition.test(s));
    }

    private static long lastSealedOffset(PartitionLog log) {
        return log.segments().stream().filter(s -> !s.active()).mapToLong(SegmentInfo::lastOffset).max()
                .orElse(-1);
    }

    /** OffsetForLeaderEpoch (as a consumer sends it, without a current leader epoch) for {@code epoch}. */
    private static OffsetForLeaderEpochResponseData.EpochEndOffset offsetForLeaderEpoch(TestBroker broker, int epoch)
            throws IOException {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                .setPartition(0).setCurrentLeaderEpoch(-1).setLeaderEpoch(epoch));
        topics.add(topic);
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.kafkaAddress())) {
            OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) connection.send(
                    OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build((short) 4));
            return response.data().topics().find(TOPIC).partitions().get(0);
        }
    }

    private static double remoteFetchBytes(TestBroker broker) throws Exception {
        return ScrapedMetrics.scrape(broker.broker().httpPort()).sum("sluice_remote_fetch_bytes_total");
    }

    private MetadataStore metadataStore() {
        MetadataStore store = MetadataStore.connect(MetadataStoreConfig.builder(etcd.endpoint())
                .namespace(namespace).build());
        closeables.add(store);
        return store;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertThat(root).doesNotExist();
    }
}
