package io.sluice.broker.tiering;

import io.sluice.broker.cluster.ClusterDiagnostics;
import io.sluice.broker.cluster.DeliveryChecker;
import io.sluice.broker.cluster.DeliveryReport;
import io.sluice.broker.cluster.PartitionReader;
import io.sluice.broker.cluster.SluiceCluster;
import io.sluice.broker.cluster.SteadyProducer;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4's "leader killed in the middle of uploads": three broker processes (RF 3, {@code min.insync.replicas=2}),
 * 4 KiB segments, {@code local.retention.bytes=8192} and a 200 ms remote log manager interval, so sealed segments are
 * uploaded back to back; an idempotent {@code acks=all} producer writes steadily. Three times, right after a new
 * segment was registered (so the leader is most likely writing the next one's objects), the partition's leader is
 * SIGKILLed, a new leader is awaited, and the killed broker is restarted and waited for in the ISR.
 *
 * <p>Afterwards:
 * <ul>
 *   <li>{@link RemoteLogChecker}: registrations contiguous from offset 0 (no gap, no overlap; a new leader whose
 *       segments rolled elsewhere uploads a slice), every registration's four objects in the bucket with their
 *       registered sizes, no {@code DELETE_STARTED} left, and unreferenced objects only of the kind the orphan
 *       collector removes (the killed leaders' partial uploads; reported, not failed on); registrations were written by
 *       more than one broker and the last leader uploads in its own epoch;</li>
 *   <li>{@link DeliveryChecker}: reading from offset 0 (from S3 below the local log start offset, which is above 0),
 *       nothing acknowledged is lost, duplicated, reordered or moved.</li>
 * </ul>
 */
@ExtendWith({EtcdExtension.class, S3Extension.class})
class LeaderKillDuringUploadTest {
    private static final String TOPIC = "uploads";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final String PREFIX = "leader-kill";
    private static final int SEGMENT_BYTES = 4096;
    private static final int ROUNDS = 3;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;
    static S3ObjectStore bucket;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd, S3TestEnv s3) throws Exception {
        bucket = S3ObjectStore.open(s3.s3Config().keyPrefix(PREFIX + "/").build()).get(30, TimeUnit.SECONDS);
        cluster = SluiceCluster.builder(etcd, dir)
                .brokers(3)
                .sessionTimeoutMs(2_000)
                .replicaLagTimeMaxMs(5_000)
                .minInsyncReplicas(2)
                .setting("remote.log.manager.task.interval.ms", "200")
                .setting("log.retention.check.interval.ms", "200")
                .setting("log.initial.task.delay.ms", "100")
                .setting("sluice.s3.endpoint", s3.endpoint())
                .setting("sluice.s3.bucket", s3.bucket())
                .setting("sluice.s3.prefix", PREFIX)
                .setting("sluice.s3.access.key", s3.accessKey())
                .setting("sluice.s3.secret.key", s3.secretKey())
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (bucket != null) {
            bucket.close();
        }
    }

    @Test
    void killingLeadersDuringUploadsLeavesAContiguousRemoteLogAndLosesNothing() throws Exception {
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2",
                "segment.bytes", Integer.toString(SEGMENT_BYTES), "local.retention.bytes", "8192"));
        Uuid topicId = cluster.image().topic(TOPIC).orElseThrow().topicId();
        DeliveryChecker checker = new DeliveryChecker();
        Set<Integer> killed = new TreeSet<>();
        try (SteadyProducer producer = SteadyProducer.start("k", cluster.producer(idempotentAcksAll()), TOPIC, 1,
                checker, 2, Duration.ofMillis(20))) {
            for (int round = 0; round < ROUNDS; round++) {
                awaitNewRegistration(topicId);
                PartitionState before = cluster.partitionState(TOPIC, 0);
                int leader = before.leader();
                cluster.kill(leader);
                killed.add(leader);
                PartitionState after = cluster.awaitNewLeader(TP, before, Duration.ofSeconds(20));
                awaitProgress(checker);
                cluster.restart(leader);
                cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(60));
                System.err.printf("round %d: killed leader %d (epoch %d) during uploads; new leader %d (epoch %d); "
                                + "%d acknowledged%n", round, leader, before.leaderEpoch(), after.leader(),
                        after.leaderEpoch(), checker.acknowledgedCount());
            }
            // the last leader uploads in its own epoch
            int lastEpoch = cluster.partitionState(TOPIC, 0).leaderEpoch();
            await("a registration by the leader of epoch " + lastEpoch).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> registrations(topicId).stream().anyMatch(r -> r.leaderEpoch() == lastEpoch));
            producer.stop(Duration.ofSeconds(60));
        }

        // the remote log as a whole
        AtomicReference<RemoteLogReport> last = new AtomicReference<>();
        await("no DELETE_STARTED registrations left").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last.set(RemoteLogChecker.check(cluster.metadata(), bucket, topicId, 0, CHECK_TIMEOUT));
                    return last.get().deleteStarted().isEmpty();
                });
        RemoteLogReport remote = last.get();
        System.err.println(remote);
        assertThat(remote.violations()).as("%s", remote).isEmpty();
        assertThat(remote.firstOffset()).as("first registered offset").isZero();
        assertThat(remote.registrations()).extracting(RemoteSegmentMetadata::brokerId).as("uploading brokers")
                .containsAnyElementsOf(killed)
                .hasSizeGreaterThan(ROUNDS);
        assertThat(remote.registrations().stream().map(RemoteSegmentMetadata::brokerId).distinct().count())
                .as("brokers that registered segments").isGreaterThan(1);
        long earliestLocal = cluster.admin().listOffsets(Map.of(TP, OffsetSpec.earliestLocal())).partitionResult(TP)
                .get(30, TimeUnit.SECONDS).offset();
        assertThat(earliestLocal).as("the leader's local log start offset: the read below crosses S3").isPositive();

        // delivery, read from offset 0 across the remote and local parts
        DeliveryReport report = checker.verify(PartitionReader.readAll(cluster, List.of(TP),
                Map.of(TP, checker.maxAcknowledgedOffset(TP).orElseThrow() + 1), Duration.ofSeconds(60)));
        System.err.printf("leader kills during uploads: %s%n", report);
        assertThat(report.violations()).as("%s", report).isEmpty();
        assertThat(report.acknowledged()).isGreaterThan(500);
        assertThat(report.failedCount()).as("failed sends (delivery.timeout.ms 120 s): %s",
                checker.sampleFailures(10)).isZero();
        assertThat(cluster.isrExpansionsOfUnregisteredBrokers(TOPIC))
                .as("ISR expansions that added a broker not registered in etcd (KIP-841 forbids them)").isEmpty();
    }

    private static List<RemoteSegmentMetadata> registrations(Uuid topicId) throws Exception {
        return cluster.metadata().remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS);
    }

    /** Waits until one more segment is registered than now: uploads are running, the next one starts at once. */
    private static void awaitNewRegistration(Uuid topicId) throws Exception {
        int now = registrations(topicId).size();
        await("another segment registered (uploads running)").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> registrations(topicId).size() > now);
    }

    /** Waits until another 100 sends were acknowledged: the new leader takes writes. */
    private static void awaitProgress(DeliveryChecker checker) {
        long target = checker.acknowledgedCount() + 100;
        await("another 100 acknowledged records (failed so far: " + checker.failuresByType() + ")")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> checker.acknowledgedCount() >= target);
    }

    private static Map<String, Object> idempotentAcksAll() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, SEGMENT_BYTES / 2); // a batch must fit a segment
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 6_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return props;
    }
}
