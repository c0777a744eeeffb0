package io.sluice.broker.tiering;

import io.sluice.broker.cluster.DeliveryChecker;
import io.sluice.broker.cluster.DeliveryReport;
import io.sluice.broker.cluster.PartitionReader;
import io.sluice.broker.cluster.SteadyProducer;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.log.PartitionLog;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.local.LocalS3Server;
import io.sluice.tiering.local.S3ProxyJar;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

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
 * Issue 4's S3 outage test: the object store goes away while producers write, and comes back.
 *
 * <p>One in-process broker (so the test sees its {@link PartitionLog}) with tiered storage on its own S3Proxy process
 * ({@link LocalS3Server}, not the JVM-wide one other tests share), a topic with 4 KiB segments and
 * {@code local.retention.bytes=8192}, and an idempotent {@code acks=all} producer writing steadily. While S3 is down
 * (until several segments sealed and several uploads failed):
 * <ul>
 *   <li>every send is acknowledged: produce never depends on S3 (uploads run on the remote log manager's thread);</li>
 *   <li>local retention deletes nothing that is not registered (KIP-405's rule, {@code docs/tiered-storage.md}
 *       "Local retention": an S3 outage fills the disk rather than losing data): in every sample the local log start
 *       offset is at most one past the highest offset registered in etcd (and past what the log itself believes is
 *       remote), and the {@code .log} files on disk start at or below it;</li>
 *   <li>failed uploads are counted ({@code sluice_remote_copy_errors_total}) and the broker stays ready.</li>
 * </ul>
 * S3 then restarts on the same port and directory: the backlog is uploaded, registrations are contiguous from offset
 * 0 with all their objects ({@link RemoteLogChecker}), local retention removes the uploaded files down to
 * {@code local.retention.bytes}, and a consumer from offset 0 reads every record exactly once, in order, across the
 * remote and local parts ({@link DeliveryChecker}).
 */
@ExtendWith(EtcdExtension.class)
class S3OutageTest {
    private static final String TOPIC = "outage";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int SEGMENT_BYTES = 4096;
    private static final int LOCAL_RETENTION_BYTES = 8192;
    private static final String BUCKET = "outage";
    private static final String PREFIX = "cluster-a";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalS3Server s3;
    private TestBroker broker;
    private SteadyProducer producer;

    @BeforeEach
    void requireS3Proxy() {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(LocalS3Server.isAvailable(), S3ProxyJar::notFoundMessage);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void producingGoesOnThroughAnS3OutageAndOnlyRegisteredSegmentsLeaveTheDisk(EtcdTestEnv etcd) throws Exception {
        s3 = LocalS3Server.builder(dir.resolve("s3")).maxHeapMb(256).start();
        int s3Port = s3.port();
        String namespace = etcd.newNamespace();
        broker = TestBroker.start(etcd, dir.resolve("broker-1"), brokerSettings(namespace, s3.endpoint()));
        broker.createTopic(TOPIC, 1, Map.of("segment.bytes", Integer.toString(SEGMENT_BYTES),
                "local.retention.bytes", Integer.toString(LOCAL_RETENTION_BYTES)));
        PartitionLog log = broker.broker().replicaManager().partition(TP).orElseThrow().log();
        Path partitionDir = broker.logDir().resolve(TOPIC + "-0");
        Uuid topicId = broker.broker().metadataImage().topic(TOPIC).orElseThrow().topicId();
        MetadataStore etcdStore = metadataStore(etcd, namespace);

        DeliveryChecker checker = new DeliveryChecker();
        producer = SteadyProducer.start("p", broker.stringProducer(idempotentAcksAll()), TOPIC, 1, checker, 2,
                Duration.ofMillis(20));

        // before the outage: uploads and local retention work
        await("segments registered and local retention working").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> etcdStore.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS).size() >= 3
                        && log.localLogStartOffset() > 0);
        double errorsBeforeOutage = copyErrors();

        // the outage: S3 is gone until several segments sealed above the remote log and several uploads failed
        s3.close();
        List<String> violations = new ArrayList<>();
        List<OutageSample> samples = new ArrayList<>();
        await("several uploads failing and several segments sealed while S3 is down")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    OutageSample sample = OutageSample.take(partitionDir, log, etcdStore, topicId);
                    samples.add(sample);
                    violations.addAll(sample.violations());
                    if (!broker.broker().isReady()) {
                        violations.add("the broker is not ready during the outage");
                    }
                    if (checker.failedCount() > 0) {
                        violations.add("sends failed during the outage: " + checker.sampleFailures(5));
                    }
                    return !violations.isEmpty() || (copyErrors() >= errorsBeforeOutage + 3
                            && sealedAbove(log, sample.highestRegistered()) >= 3);
                });
        assertThat(violations).as("during the S3 outage (%d samples)", samples.size()).isEmpty();
        OutageSample last = samples.get(samples.size() - 1);
        assertThat(log.size()).as("the local log keeps every segment not yet uploaded, beyond local.retention.bytes")
                .isGreaterThan(LOCAL_RETENTION_BYTES + SEGMENT_BYTES);
        long highestRegisteredInOutage = last.highestRegistered();
        long acknowledgedInOutage = checker.acknowledgedCount();

        // S3 comes back on the same port and directory: the backlog is uploaded
        s3 = LocalS3Server.builder(dir.resolve("s3")).port(s3Port).maxHeapMb(256).start();
        long lastSealedAtRestart = lastSealedOffset(log);
        await("the segments sealed during the outage registered").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> etcdStore.remoteLogState(topicId, 0).get(10, TimeUnit.SECONDS).highestOffset()
                        >= lastSealedAtRestart);
        producer.stop(Duration.ofSeconds(60));
        assertThat(checker.acknowledgedCount()).as("acknowledged after S3 returned").isGreaterThan(acknowledgedInOutage);
        long lastSealed = lastSealedOffset(log);
        await("every sealed segment registered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> etcdStore.remoteLogState(topicId, 0).get(10, TimeUnit.SECONDS).highestOffset()
                        >= lastSealed);

        // local retention catches up: only the local tail stays on disk
        await("local retention down to local.retention.bytes").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> log.size() < LOCAL_RETENTION_BYTES + SEGMENT_BYTES
                        && log.localLogStartOffset() > highestRegisteredInOutage + 1);
        long localStart = log.localLogStartOffset();
        assertThat(LocalSegmentFiles.baseOffsets(partitionDir)).as(".log files on disk")
                .allMatch(base -> base >= localStart, "at or above the local log start offset " + localStart);
        assertThat(log.logStartOffset()).isZero();

        // the remote log: contiguous from 0, every object there with its registered size
        RemoteLogReport remote = RemoteLogChecker.check(etcdStore, bucket(), topicId, 0, TIMEOUT);
        System.err.println(remote);
        assertThat(remote.violations()).as("%s", remote).isEmpty();
        assertThat(remote.firstOffset()).isZero();
        assertThat(remote.lastOffset()).isEqualTo(lastSealed);
        assertThat(remote.deleteStarted()).isEmpty();
        assertThat(copyErrors()).isGreaterThanOrEqualTo(errorsBeforeOutage + 3);

        // a consumer from offset 0 reads everything once, in order (the first part from S3)
        DeliveryReport report = checker.verify(PartitionReader.readAll(() -> broker.stringConsumer(Map.of()),
                List.of(TP), Map.of(TP, checker.maxAcknowledgedOffset(TP).orElseThrow() + 1),
                Duration.ofSeconds(60)));
        System.err.printf("S3 outage: %d samples, %d copy errors, %d segments registered, local log start %d; %s%n",
                samples.size(), (long) copyErrors(), remote.registrations().size(), localStart, report);
        assertThat(report.violations()).as("%s", report).isEmpty();
        assertThat(report.failedCount()).as("failed sends: %s", checker.sampleFailures(10)).isZero();
        assertThat(report.acknowledged()).isEqualTo(checker.sentCount());
        assertThat(report.read()).isEqualTo(report.acknowledged());
    }

    /**
     * One look at the partition during the outage, read in an order that makes each check safe against retention
     * running concurrently (local log start offset and registered offsets only grow): the {@code .log} files, the
     * log's local log start offset, its highest offset in remote storage, then the highest offset registered in
     * etcd.
     */
    private record OutageSample(long firstFileBase, long localLogStart, long highestInLog, long highestRegistered) {
        static OutageSample take(Path partitionDir, PartitionLog log, MetadataStore etcd, Uuid topicId)
                throws Exception {
            List<Long> files = LocalSegmentFiles.baseOffsets(partitionDir);
            long localStart = log.localLogStartOffset();
            long inLog = log.highestOffsetInRemoteStorage();
            long registered = etcd.remoteLogState(topicId, 0).get(10, TimeUnit.SECONDS).highestOffset();
            return new OutageSample(files.isEmpty() ? Long.MAX_VALUE : files.get(0), localStart, inLog, registered);
        }

        List<String> violations() {
            List<String> found = new ArrayList<>();
            if (localLogStart > highestRegistered + 1) {
                found.add("local log start offset " + localLogStart + " is above the highest registered offset "
                        + highestRegistered + " + 1: unregistered data was deleted locally");
            }
            if (localLogStart > highestInLog + 1) {
                found.add("local log start offset " + localLogStart + " is above the log's highest offset in "
                        + "remote storage " + highestInLog + " + 1");
            }
            if (highestInLog > highestRegistered) {
                found.add("the log believes offset " + highestInLog + " is remote; etcd has up to "
                        + highestRegistered);
            }
            if (firstFileBase > localLogStart) {
                found.add("the first .log file on disk starts at " + firstFileBase + ", above the local log start "
                        + "offset " + localLogStart);
            }
            return found;
        }
    }

    /** Sealed segments (every one but the active) with offsets above {@code highestRegistered}. */
    private static long sealedAbove(PartitionLog log, long highestRegistered) {
        return log.segments().stream().filter(s -> !s.active() && s.lastOffset() > highestRegistered).count();
    }

    /** The last offset of the newest sealed segment. */
    private static long lastSealedOffset(PartitionLog log) {
        return log.segments().stream().filter(s -> !s.active()).mapToLong(SegmentInfo::lastOffset).max()
                .orElseThrow();
    }

    private double copyErrors() throws Exception {
        return ScrapedMetrics.scrape(broker.broker().httpPort()).sum("sluice_remote_copy_errors_total");
    }

    private S3ObjectStore bucket() throws Exception {
        S3ObjectStore store = S3ObjectStore.open(s3.s3Config(BUCKET).keyPrefix(PREFIX + "/").build())
                .get(30, TimeUnit.SECONDS);
        closeables.add(store);
        return store;
    }

    private MetadataStore metadataStore(EtcdTestEnv etcd, String namespace) {
        MetadataStore store = MetadataStore.connect(MetadataStoreConfig.builder(etcd.endpoint())
                .namespace(namespace).build());
        closeables.add(store);
        return store;
    }

    private static Map<String, String> brokerSettings(String namespace, String s3Endpoint) {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", "1");
        settings.put("etcd.namespace", namespace);
        settings.put("remote.log.manager.task.interval.ms", "200");
        settings.put("log.retention.check.interval.ms", "200");
        settings.put("log.initial.task.delay.ms", "100");
        settings.put("sluice.s3.endpoint", s3Endpoint);
        settings.put("sluice.s3.bucket", BUCKET);
        settings.put("sluice.s3.prefix", PREFIX);
        settings.put("sluice.s3.access.key", LocalS3Server.ACCESS_KEY);
        settings.put("sluice.s3.secret.key", LocalS3Server.SECRET_KEY);
        return settings;
    }

    private static Map<String, Object> idempotentAcksAll() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return props;
    }
}
