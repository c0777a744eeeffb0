package io.sluice.broker.cluster;

import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Controller failover: when the broker holding the controller role dies, another broker is elected controller
 * (through etcd, in a higher controller epoch; {@code controller.lease.ttl.ms} is 2 s here) within a few seconds,
 * the brokers report it in DescribeCluster, and that new controller handles the next broker failure: the dead
 * broker's partitions get new leaders from their ISR, in a higher leader epoch, with the dead broker out of the ISR.
 */
@ExtendWith(EtcdExtension.class)
class ControllerFailoverTest {
    private static final String TOPIC = "controlled";
    private static final int PARTITIONS = 6;
    private static final Duration ELECTION = Duration.ofSeconds(20);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd) throws Exception {
        cluster = SluiceCluster.builder(etcd, dir).brokers(3).sessionTimeoutMs(2_000).minInsyncReplicas(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void newControllerHandlesTheNextBrokerFailure() throws Exception {
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of("min.insync.replicas", "2"));
        int controller = cluster.awaitController("elected", id -> cluster.nodeIds().contains(id), ELECTION);
        int firstEpoch = cluster.controllerEpoch();
        awaitReportedController(controller);

        // the controller's broker dies: another is elected, and the dead one's partitions move
        Map<TopicPartition, PartitionState> ledByController = ledBy(controller);
        cluster.kill(controller);
        int successor = cluster.awaitController("other than the killed broker " + controller,
                id -> id != controller && cluster.nodeIds().contains(id), ELECTION);
        assertThat(cluster.controllerEpoch()).as("controller epoch after a new election").isGreaterThan(firstEpoch);
        int successorEpoch = cluster.controllerEpoch();
        ledByController.forEach((tp, before) -> cluster.awaitNewLeader(tp, before, ELECTION));
        awaitReportedController(successor);

        // the old controller returns as an ordinary broker; the successor keeps the role
        cluster.restart(controller);
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(45));
        assertThat(cluster.controllerId()).as("controller after broker %d came back", controller).hasValue(successor);
        assertThat(cluster.controllerEpoch()).isEqualTo(successorEpoch);

        // the next failure, handled by the successor
        int victim = cluster.nodeIds().stream().filter(id -> id != successor)
                .max((a, b) -> Integer.compare(ledBy(a).size(), ledBy(b).size())).orElseThrow();
        Map<TopicPartition, PartitionState> ledByVictim = ledBy(victim);
        assertThat(ledByVictim).as("partitions led by broker %d, the next to fail", victim).isNotEmpty();
        cluster.kill(victim);
        ledByVictim.forEach((tp, before) -> {
            PartitionState after = cluster.awaitNewLeader(tp, before, ELECTION);
            assertThat(after.isr()).as("ISR of %s after broker %d died", tp, victim).doesNotContain(victim);
        });
        assertThat(cluster.controllerId()).as("controller after broker %d died", victim).hasValue(successor);
        assertThat(cluster.controllerEpoch()).isEqualTo(successorEpoch);

        try (KafkaProducer<String, String> producer = cluster.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, null, "after-" + p)).get(30, TimeUnit.SECONDS);
            }
        }
        cluster.restart(victim);
        cluster.awaitFullIsr(TOPIC, Duration.ofSeconds(45));
        assertThat(cluster.isrExpansionsOfUnregisteredBrokers(TOPIC))
                .as("ISR expansions that added a broker not registered in etcd (KIP-841 forbids them)").isEmpty();
    }

    /** Waits until the brokers report {@code id} as the controller to clients (DescribeCluster). */
    private static void awaitReportedController(int id) {
        await("brokers report controller " + id + " in DescribeCluster").atMost(ELECTION)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> cluster.reportedControllerId().equals(OptionalInt.of(id)));
    }

    private static Map<TopicPartition, PartitionState> ledBy(int brokerId) {
        Map<TopicPartition, PartitionState> led = new LinkedHashMap<>();
        List<TopicPartition> partitions = cluster.partitionsLedBy(brokerId, TOPIC);
        partitions.forEach(tp -> led.put(tp, cluster.image().partition(tp).orElseThrow()));
        return led;
    }
}
