package io.sluice.compat;

import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeds' replication walk-through against a three-broker Sluice cluster, with Kafka's own tools unchanged:
 * {@code kafka-topics --create --replication-factor 3} and {@code --describe} showing leader, replicas and ISR
 * ("Topic: peter-test01 Partition: 0 Leader: 1 Replicas: 1,2,3 Isr: 1,2,3"), then acks=all writes read back.
 */
@ExtendWith(EtcdExtension.class)
@DisplayName("Kafka 4.3 CLI tools against a three-broker Sluice cluster")
class ReplicatedClusterCliTest {
    private static BrokerCluster cluster;
    private static ToolRunner tools;

    @RegisterExtension
    static final BrokerLogOnFailure BROKER_LOGS =
            new BrokerLogOnFailure(() -> cluster == null ? List.of() : cluster.brokers());

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd, @TempDir Path dir) throws IOException {
        cluster = BrokerCluster.start(etcd.endpoint(), etcd.newNamespace(), dir, 3);
        tools = new ToolRunner(Files.createDirectories(dir.resolve("tools")), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ToolResult run(KafkaTool tool, String stdin, String... args) {
        return tools.runWithInput(tool, stdin, cluster.withBootstrap(args));
    }

    @Test
    void seedsReplicationFactorThreeTopicIsDescribedWithLeaderReplicasAndIsr() {
        ToolResult created = run(KafkaTool.TOPICS, "", "--create", "--replication-factor", "3", "--partitions", "1",
                "--topic", "peter-test01");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout()).contains("Created topic peter-test01.");

        ToolResult described = run(KafkaTool.TOPICS, "", "--topic", "peter-test01", "--describe");
        assertThat(described.exitCode()).as(described.toString()).isZero();
        DescribedTopic topic = DescribedTopic.parseOne(described.stdout());
        assertThat(topic.partitionCount()).isEqualTo(1);
        assertThat(topic.replicationFactor()).isEqualTo(3);
        DescribedTopic.Partition p0 = topic.partitions().get(0);
        assertThat(ids(p0.replicas())).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(ids(p0.isr())).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(Integer.parseInt(p0.leader())).isEqualTo(ids(p0.replicas()).get(0));
    }

    @Test
    void threePartitionsSpreadTheirLeadersAndAcksAllWritesAreReadBack() {
        ToolResult created = run(KafkaTool.TOPICS, "", "--create", "--topic", "topic-p3-r3", "--partitions", "3",
                "--replication-factor", "3");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        DescribedTopic topic = DescribedTopic.parseOne(run(KafkaTool.TOPICS, "", "--describe", "--topic", "topic-p3-r3")
                .stdout());
        Set<String> leaders = new HashSet<>();
        topic.partitions().forEach(p -> leaders.add(p.leader()));
        assertThat(leaders).as("one leader per broker").hasSize(3);

        ToolResult produced = run(KafkaTool.CONSOLE_PRODUCER, "one\ntwo\nthree\n", "--topic", "topic-p3-r3",
                "--command-property", "acks=all");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        // kafka-get-offsets: the three records are committed somewhere in the topic (the producer picks partitions)
        ToolResult offsets = run(KafkaTool.GET_OFFSETS, "", "--topic", "topic-p3-r3", "--time", "-1");
        assertThat(offsets.exitCode()).as(offsets.toString()).isZero();
        List<String> withData = new ArrayList<>();
        long total = 0;
        for (String line : offsets.stdoutLines()) {
            String[] parts = line.split(":");
            long end = Long.parseLong(parts[2]);
            total += end;
            if (end > 0) {
                withData.add(parts[1] + ":" + end);
            }
        }
        assertThat(total).isEqualTo(3);
        List<String> read = new ArrayList<>();
        for (String partitionAndCount : withData) {
            String[] pc = partitionAndCount.split(":");
            ToolResult consumed = run(KafkaTool.CONSOLE_CONSUMER, "", "--topic", "topic-p3-r3", "--partition", pc[0],
                    "--from-beginning", "--max-messages", pc[1], "--timeout-ms", "30000");
            assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
            read.addAll(consumed.stdoutLines());
        }
        assertThat(read).containsExactlyInAnyOrder("one", "two", "three");
    }

    private static List<Integer> ids(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(Integer::parseInt).toList();
    }
}
