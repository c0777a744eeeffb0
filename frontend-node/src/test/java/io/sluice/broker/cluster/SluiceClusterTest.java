package io.sluice.broker.cluster;

import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fixture itself, on a one-broker cluster (no replication needed): signals reach the broker process, the
 * state it reads comes from etcd, and a restarted broker keeps its ports and data.
 */
@ExtendWith(EtcdExtension.class)
class SluiceClusterTest {
    private SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @Test
    void killPauseAndRestartReachTheBrokerProcess(EtcdTestEnv etcd,
                                                  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
            throws Exception {
        // a long session so that a short pause does not cost the broker its registration
        try (SluiceCluster started = SluiceCluster.builder(etcd, dir).brokers(1).sessionTimeoutMs(3_000).start()) {
            cluster = started;
            assertThat(cluster.nodeIds()).containsExactly(1);
            assertThat(cluster.registeredBrokers()).containsExactly(1);
            assertThat(cluster.bootstrapServers()).isEqualTo(cluster.node(1).bootstrapServer());
            String config = Files.readString(cluster.node(1).dir().resolve("server.properties"));
            assertThat(config).contains("broker.session.timeout.ms=3000", "etcd.namespace=" + cluster.namespace());

            cluster.createTopic("fixture", 2, 1, Map.of());
            PartitionState state = cluster.partitionState("fixture", 1);
            assertThat(state.leader()).isEqualTo(1);
            assertThat(state.isr()).containsExactly(1);
            assertThat(cluster.image().partition(new TopicPartition("fixture", 1))).contains(state);
            assertThat(cluster.partitionsLedBy(1, "fixture"))
                    .containsExactlyInAnyOrder(new TopicPartition("fixture", 0), new TopicPartition("fixture", 1));
            assertThatThrownBy(() -> cluster.partitionState("fixture", 2)).isInstanceOf(IllegalArgumentException.class);

            try (KafkaProducer<String, String> producer = cluster.producer(Map.of(
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                    ProducerConfig.LINGER_MS_CONFIG, 0))) {
                assertThat(send(producer, "before-pause").offset()).isEqualTo(0);

                long pid = cluster.node(1).pid();
                cluster.pause(1);
                assertThat(procState(pid)).isEqualTo('T');
                assertThat(cluster.node(1).state()).isEqualTo(ClusterNode.State.PAUSED);
                Future<RecordMetadata> whilePaused = producer.send(new ProducerRecord<>("fixture", 0, null, "paused"));
                assertThatThrownBy(() -> whilePaused.get(1, TimeUnit.SECONDS))
                        .isInstanceOf(java.util.concurrent.TimeoutException.class);
                cluster.resume(1);
                assertThat(procState(pid)).isNotEqualTo('T');
                assertThat(whilePaused.get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);

                String bootstrap = cluster.bootstrapServers();
                cluster.kill(1);
                assertThat(cluster.node(1).isAlive()).isFalse();
                assertThat(cluster.node(1).state()).isEqualTo(ClusterNode.State.DOWN);
                cluster.awaitUnregistered(1);
                cluster.restart(1);
                assertThat(cluster.node(1).pid()).isNotEqualTo(pid);
                assertThat(cluster.bootstrapServers()).isEqualTo(bootstrap);
                assertThat(cluster.registeredBrokers()).containsExactly(1);
                assertThat(send(producer, "after-restart").offset()).isEqualTo(2);
            }
            assertThat(ReplicaBatches.read(cluster.node(1).logDir(), new TopicPartition("fixture", 0)))
                    .extracting(ReplicaBatches.Batch::baseOffset).containsExactly(0L, 1L, 2L);
            assertThat(cluster.node(1).logTail(1000)).contains("SIGKILL broker 1", "SIGSTOP broker 1");
        }
        assertThat(cluster.node(1).isAlive()).isFalse();
        assertThat(cluster.node(1).state()).isEqualTo(ClusterNode.State.DOWN);
    }

    private static RecordMetadata send(KafkaProducer<String, String> producer, String value)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        return producer.send(new ProducerRecord<>("fixture", 0, null, value)).get(30, TimeUnit.SECONDS);
    }

    private static char procState(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
