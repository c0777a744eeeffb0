package io.sluice.broker.cluster;

import io.sluice.metadata.PartitionState;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.awaitility.core.ConditionTimeoutException;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * ISR maintenance and {@code acks=all} with {@code min.insync.replicas=2} on a 3-replica partition, as in Kafka:
 * a follower that stops fetching leaves the ISR once it has lagged for {@code replica.lag.time.max.ms} (3 s here);
 * with 2 of 3 in sync {@code acks=all} still succeeds; with 1 of 3 a write appended before the ISR shrank is not
 * acknowledged (NOT_ENOUGH_REPLICAS_AFTER_APPEND, or a timeout: under KIP-966's strict rule the high watermark does
 * not advance) and a new write is refused without being appended (NOT_ENOUGH_REPLICAS); a follower that comes back
 * and catches up rejoins the ISR.
 *
 * <p>Followers are frozen with SIGSTOP while their etcd session (15 s here) is still alive, so the ISR shrinks by
 * the leader's lag rule, not because the controller saw a broker die.
 */
@ExtendWith(EtcdExtension.class)
class IsrTest {
    private static final long LAG_MS = 3_000;
    private static final String TOPIC = "isr";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SluiceCluster cluster;

    @RegisterExtension
    final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd) throws Exception {
        cluster = SluiceCluster.builder(etcd, dir)
                .brokers(3)
                .sessionTimeoutMs(15_000)
                .replicaLagTimeMaxMs(LAG_MS)
                .minInsyncReplicas(2)
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void isrShrinksOnLagAndAcksAllNeedsMinInsyncReplicas() throws Exception {
        cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
        PartitionState initial = cluster.partitionState(TOPIC, 0);
        int leader = initial.leader();
        List<Integer> followers = new ArrayList<>(initial.replicas());
        followers.remove(Integer.valueOf(leader));
        int first = followers.get(0);
        int second = followers.get(1);

        try (KafkaProducer<String, String> producer = cluster.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000))) {
            for (int i = 0; i < 10; i++) {
                send(producer, "in-sync-" + i);
            }

            // 2 of 3: the frozen follower leaves the ISR by the lag rule, and acks=all goes on working
            cluster.pause(first);
            Future<RecordMetadata> waitingForShrink = producer.send(new ProducerRecord<>(TOPIC, 0, null, "lagging"));
            PartitionState shrunk = cluster.awaitIsr(TP, Set.of(leader, second), Duration.ofSeconds(20));
            assertThat(cluster.registeredBrokers()).as("broker %d's etcd session is still alive: the lag rule, not "
                    + "the controller, removed it", first).contains(first);
            assertThat(shrunk.leader()).isEqualTo(leader);
            assertThat(shrunk.leaderEpoch()).as("an ISR change keeps the leader epoch").isEqualTo(initial.leaderEpoch());
            assertThat(shrunk.partitionEpoch()).isGreaterThan(initial.partitionEpoch());
            assertThat(waitingForShrink.get(30, TimeUnit.SECONDS).offset()).isEqualTo(10);
            for (int i = 0; i < 5; i++) {
                assertThat(send(producer, "two-of-three-" + i).offset()).isEqualTo(11 + i);
            }
            List<Integer> expectedIsr = List.of(leader, second).stream().sorted().toList();
            AtomicReference<Object> reported = new AtomicReference<>();
            try {
                await("Metadata (describeTopics) shows the shrunk ISR " + expectedIsr).atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            try {
                                reported.set(isrFromMetadata(leader));
                            } catch (Exception e) {
                                reported.set(e);
                            }
                            return expectedIsr.equals(reported.get());
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "; last answer: " + reported.get(), e);
            }
        }

        // 1 of 3: nothing is acknowledged with acks=all, and new writes are refused
        // bootstrapped from the leader only and warmed up, so that its first write reaches the leader at once
        // instead of waiting for a metadata request to a frozen broker to time out
        try (KafkaProducer<String, String> strict = cluster.producer(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.node(leader).bootstrapServer(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 8_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000))) {
            assertThat(strict.partitionsFor(TOPIC)).hasSize(1);
            cluster.pause(second);
            Future<RecordMetadata> appendedBeforeShrink = strict.send(new ProducerRecord<>(TOPIC, 0, null, "alone-0"));
            cluster.awaitIsr(TP, Set.of(leader), Duration.ofSeconds(20));
            ExecutionException notAcknowledged = catchThrowableOfType(ExecutionException.class,
                    () -> appendedBeforeShrink.get(30, TimeUnit.SECONDS));
            assertThat(notAcknowledged).as("acks=all write appended while the ISR was 2 and then shrank to 1")
                    .isNotNull();
            assertThat(notAcknowledged.getCause())
                    .isInstanceOfAny(NotEnoughReplicasAfterAppendException.class, TimeoutException.class);
            assertThat(consumerVisibleEnd()).as("high watermark with the ISR below min.insync.replicas (KIP-966)")
                    .isEqualTo(16);

            List<ReplicaBatches.Batch> leaderLog = ReplicaBatches.read(cluster.node(leader).logDir(), TP);
            ExecutionException refused = catchThrowableOfType(ExecutionException.class,
                    () -> strict.send(new ProducerRecord<>(TOPIC, 0, null, "alone-1")).get(30, TimeUnit.SECONDS));
            assertThat(refused).as("acks=all write with 1 of 3 in sync").isNotNull();
            assertThat(refused.getCause()).isInstanceOf(NotEnoughReplicasException.class);
            assertThat(ReplicaBatches.read(cluster.node(leader).logDir(), TP))
                    .as("a write refused with NOT_ENOUGH_REPLICAS is not appended").isEqualTo(leaderLog);
        }

        // the followers come back (one resumed, one restarted after SIGKILL), catch up and rejoin the ISR
        cluster.resume(second);
        cluster.kill(first);
        cluster.restart(first);
        PartitionState healed = cluster.awaitIsr(TP, initial.replicas(), Duration.ofSeconds(45));
        assertThat(healed.leader()).isEqualTo(leader);
        try (KafkaProducer<String, String> producer = cluster.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            assertThat(send(producer, "healed").offset()).as("after the write appended at 16 with 1 of 3 in sync")
                    .isEqualTo(17);
        }
        await("all three replicas hold the same batches").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    List<ReplicaBatches.Batch> reference = ReplicaBatches.read(cluster.node(leader).logDir(), TP);
                    for (int id : initial.replicas()) {
                        if (!ReplicaBatches.read(cluster.node(id).logDir(), TP).equals(reference)) {
                            return false;
                        }
                    }
                    return !reference.isEmpty();
                });
        assertThat(cluster.isrExpansionsOfUnregisteredBrokers(TOPIC))
                .as("ISR expansions that added a broker not registered in etcd (KIP-841 forbids them)").isEmpty();
    }

    private static RecordMetadata send(KafkaProducer<String, String> producer, String value) throws Exception {
        return producer.send(new ProducerRecord<>(TOPIC, 0, null, value)).get(30, TimeUnit.SECONDS);
    }

    /** The ISR as a Metadata response reports it, asked of the leader (a frozen broker would not answer). */
    private static List<Integer> isrFromMetadata(int leader) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.node(leader).bootstrapServer(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(TOPIC);
            return description.partitions().get(0).isr().stream().map(Node::id).sorted().toList();
        }
    }

    private static long consumerVisibleEnd() {
        try (KafkaConsumer<String, String> consumer = cluster.consumer(Map.of())) {
            return consumer.endOffsets(List.of(TP), Duration.ofSeconds(10)).get(TP);
        }
    }
}
