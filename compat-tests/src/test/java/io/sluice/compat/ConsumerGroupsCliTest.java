package io.sluice.compat;

import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.sluice.compat.KafkaTool.CONSOLE_CONSUMER;
import static io.sluice.compat.KafkaTool.CONSUMER_GROUPS;
import static io.sluice.compat.KafkaTool.GET_OFFSETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer groups with Kafka 4.3.1's own tools, unchanged, against a three-broker Sluice cluster (issue 5):
 * {@code kafka-console-consumer --group} commits its offsets and resumes from them, and {@code kafka-consumer-groups}
 * lists, describes ({@code --describe} offsets and lag, {@code --members}, {@code --state}), resets
 * ({@code --to-earliest}, {@code --to-offset}, {@code --shift-by}, {@code --dry-run}), deletes groups and deletes
 * committed offsets, refusing what Kafka refuses for an active group with Kafka's messages.
 *
 * <p>Assertions read the tools' output as a user does: the tables of {@code kafka-consumer-groups} parsed by their
 * columns ({@link PrintedTable}), the records the console consumer prints, and exit codes. Note that
 * {@code kafka-consumer-groups} prints its errors as {@code Error: ...} on stdout and still exits 0, in Kafka too.
 *
 * <p>The brokers run with {@code group.initial.rebalance.delay.ms=0}, as Kafka's own integration tests do, so that
 * each console consumer joins its (empty) group at once instead of after Kafka's default 3 s. Fixtures (topics with
 * replication factor 3, records written with acks=all) are made by the test JVM's own {@code Admin} and
 * {@code KafkaProducer}, which saves a tool JVM per step; {@code kafka-topics} and {@code kafka-console-producer}
 * are covered by the other classes. Every test uses its own topics and groups.
 */
@ExtendWith(EtcdExtension.class)
@DisplayName("kafka-console-consumer --group and kafka-consumer-groups against a three-broker Sluice cluster")
class ConsumerGroupsCliTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    /** Bounds a console consumer that gets fewer records than {@code --max-messages}. */
    private static final String CONSUMER_TIMEOUT_MS = "30000";
    private static final String NO_VALUE = "-";

    private static BrokerCluster cluster;
    private static ToolRunner tools;
    private static Admin admin;
    private static Producer<String, String> producer;

    @RegisterExtension
    static final BrokerLogOnFailure BROKER_LOGS =
            new BrokerLogOnFailure(() -> cluster == null ? List.of() : cluster.brokers());

    @BeforeAll
    static void startCluster(EtcdTestEnv etcd, @TempDir Path dir) throws IOException {
        cluster = BrokerCluster.start(etcd.endpoint(), etcd.newNamespace(), dir, 3,
                Map.of("group.initial.rebalance.delay.ms", "0"));
        tools = new ToolRunner(Files.createDirectories(dir.resolve("tools")), TOOL_TIMEOUT);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopCluster() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("kafka-console-consumer --group commits its offsets: a second run reads only the new records")
    void consoleConsumerWithAGroupResumesFromItsCommittedOffsets() {
        createTopic("orders", 3);
        produce("orders", values("order-", 1, 6));

        List<String> first = consume("orders", "order-readers", 6);
        assertThat(first).containsExactlyInAnyOrderElementsOf(values("order-", 1, 6));

        produce("orders", values("order-", 7, 9));
        // --from-beginning again: it only applies to partitions without a committed offset, so this reads the 3 new
        List<String> second = consume("orders", "order-readers", 3);
        assertThat(second).containsExactlyInAnyOrderElementsOf(values("order-", 7, 9));
    }

    @Test
    @DisplayName("--list shows the group; --describe shows CURRENT-OFFSET, LOG-END-OFFSET and LAG per partition; "
            + "--members and --state describe it without members; --delete removes it from --list")
    void listDescribeAndDeleteAGroupWithoutMembers() {
        createTopic("clicks", 3);
        produceKeyed("clicks", 1, 9);
        consume("clicks", "click-counters", 9);
        produceKeyed("clicks", 10, 15);

        assertThat(groups("--list").stdoutLines()).contains("click-counters");

        ToolResult described = groups("--describe", "--group", "click-counters");
        assertThat(described.stderr()).contains("Consumer group 'click-counters' has no active members.");
        PrintedTable offsets = PrintedTable.parse(described.stdout(), "GROUP");
        assertThat(offsets.columns()).containsExactly("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
        assertThat(offsets.column("PARTITION")).containsExactly("0", "1", "2");
        Map<String, Long> logEndOffsets = logEndOffsets("clicks");
        assertThat(offsets.rows()).allSatisfy(row -> {
            assertThat(row).containsEntry("GROUP", "click-counters").containsEntry("TOPIC", "clicks")
                    .containsEntry("CONSUMER-ID", NO_VALUE).containsEntry("HOST", NO_VALUE)
                    .containsEntry("CLIENT-ID", NO_VALUE);
            long current = Long.parseLong(row.get("CURRENT-OFFSET"));
            long logEnd = Long.parseLong(row.get("LOG-END-OFFSET"));
            assertThat(logEnd).as("LOG-END-OFFSET of %s as kafka-get-offsets --time -1 prints it", row)
                    .isEqualTo(logEndOffsets.get(row.get("PARTITION")));
            assertThat(Long.parseLong(row.get("LAG"))).as("LAG of %s", row).isEqualTo(logEnd - current);
        });
        assertThat(sum(offsets.column("CURRENT-OFFSET"))).isEqualTo(9);
        assertThat(sum(offsets.column("LOG-END-OFFSET"))).isEqualTo(15);
        assertThat(sum(offsets.column("LAG"))).isEqualTo(6);

        ToolResult members = groups("--describe", "--group", "click-counters", "--members");
        assertThat(PrintedTable.parse(members.stdout(), "GROUP").rows()).isEmpty();
        assertThat(members.stderr()).contains("Consumer group 'click-counters' has no active members.");

        Map<String, String> state = describeState("click-counters");
        assertThat(state).containsEntry("GROUP", "click-counters").containsEntry("ASSIGNMENT-STRATEGY", NO_VALUE)
                .containsEntry("STATE", "Empty").containsEntry("#MEMBERS", "0");
        assertThat(state.get("COORDINATOR (ID)")).isIn(coordinatorColumnValues());

        ToolResult deleted = groups("--delete", "--group", "click-counters");
        assertThat(deleted.stdoutLines()).as("%s", deleted)
                .containsExactly("Deletion of requested consumer groups ('click-counters') was successful.");
        assertThat(groups("--list").stdoutLines()).doesNotContain("click-counters");
        ToolResult describeDeleted = groups("--describe", "--group", "click-counters");
        assertThat(describeDeleted.stdout()).as("%s", describeDeleted).contains(
                "Error: Executing consumer group command failed due to "
                        + "org.apache.kafka.common.errors.GroupIdNotFoundException");
    }

    @Test
    @DisplayName("a group with a running console consumer: --describe shows its member, assignment, state and "
            + "offsets; --delete, --delete-offsets and --reset-offsets refuse it with Kafka's messages")
    void anActiveGroup() {
        createTopic("payments", 3);
        produceKeyed("payments", 1, 6);

        try (RunningTool consumer = startConsumer("payments", "payment-auditors")) {
            awaitPrinted(consumer, 6);

            Map<String, String> member = PrintedTable.parse(
                    groups("--describe", "--group", "payment-auditors", "--members").stdout(), "GROUP").onlyRow();
            assertThat(member.get("CONSUMER-ID")).startsWith("console-consumer-");
            assertThat(member).containsEntry("GROUP", "payment-auditors").containsEntry("HOST", "/127.0.0.1")
                    .containsEntry("CLIENT-ID", "console-consumer").containsEntry("#PARTITIONS", "3");
            Map<String, String> verbose = PrintedTable.parse(groups("--describe", "--group", "payment-auditors",
                    "--members", "--verbose").stdout(), "GROUP").onlyRow();
            assertThat(verbose).containsEntry("CONSUMER-ID", member.get("CONSUMER-ID"))
                    .containsEntry("CURRENT-ASSIGNMENT", "payments:0,1,2");

            Map<String, String> state = describeState("payment-auditors");
            assertThat(state).containsEntry("ASSIGNMENT-STRATEGY", "range").containsEntry("STATE", "Stable")
                    .containsEntry("#MEMBERS", "1");
            assertThat(state.get("COORDINATOR (ID)")).isIn(coordinatorColumnValues());
            assertThat(PrintedTable.parse(groups("--list", "--state").stdout(), "GROUP").rows())
                    .contains(Map.of("GROUP", "payment-auditors", "STATE", "Stable"));

            // the member's auto-commit (every 5 s) brings the committed offsets to the log end offsets
            await("offsets committed by the member").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                PrintedTable offsets = describeOffsets("payment-auditors");
                assertThat(offsets.column("CONSUMER-ID")).containsOnly(member.get("CONSUMER-ID"));
                assertThat(offsets.column("CLIENT-ID")).containsOnly("console-consumer");
                assertThat(offsets.column("PARTITION")).containsExactly("0", "1", "2");
                assertThat(offsets.column("LAG")).containsOnly("0");
                assertThat(sum(offsets.column("CURRENT-OFFSET"))).isEqualTo(6);
            });

            ToolResult delete = groups("--delete", "--group", "payment-auditors");
            assertThat(delete.stdoutLines()).as("%s", delete).contains(
                    "Error: Deletion of some consumer groups failed:",
                    "* Group 'payment-auditors' could not be deleted due to: "
                            + "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.");

            ToolResult deleteOffsets = groups("--delete-offsets", "--group", "payment-auditors",
                    "--topic", "payments");
            assertThat(deleteOffsets.stdoutLines()).as("%s", deleteOffsets)
                    .contains("Error: Encountered some partition-level error, see the follow-up details.");
            PrintedTable statuses = PrintedTable.parse(deleteOffsets.stdout(), "TOPIC");
            assertThat(statuses.column("PARTITION")).containsExactly("0", "1", "2");
            assertThat(statuses.column("STATUS")).containsOnly("Error: "
                    + "org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is "
                    + "forbidden while the consumer group is actively subscribed to it.");

            ToolResult reset = groups("--reset-offsets", "--group", "payment-auditors", "--topic", "payments",
                    "--to-earliest", "--execute");
            assertThat(reset.stdoutLines()).as("%s", reset).contains("Error: Assignments can only be reset if the "
                    + "group 'payment-auditors' is inactive, but the current state is Stable.");
            assertThat(PrintedTable.parse(reset.stdout(), "GROUP").rows()).isEmpty();

            ToolResult stopped = consumer.stop();
            assertThat(stopped.stderr()).as("%s", stopped).contains("Processed a total of 6 messages");
        }
        // the console consumer left the group when it closed (LeaveGroup); its offsets stay
        await("payment-auditors Empty").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(describeState("payment-auditors")).containsEntry("STATE", "Empty")
                        .containsEntry("#MEMBERS", "0"));
        assertThat(sum(describeOffsets("payment-auditors").column("CURRENT-OFFSET"))).isEqualTo(6);
    }

    @Test
    @DisplayName("--reset-offsets --to-earliest / --to-offset / --shift-by; --dry-run changes nothing; --describe "
            + "shows the new offset and the console consumer re-reads from it")
    void resetOffsets() {
        createTopic("events", 1);
        List<String> all = values("event-", 0, 9);
        produce("events", all);
        consume("events", "event-replayers", 10);

        PrintedTable planned = reset("event-replayers", "events", "--to-earliest", "--dry-run");
        assertThat(planned.onlyRow()).isEqualTo(Map.of("GROUP", "event-replayers", "TOPIC", "events",
                "PARTITION", "0", "NEW-OFFSET", "0"));
        assertThat(describeOffsets("event-replayers").onlyRow()).as("after --dry-run")
                .containsEntry("CURRENT-OFFSET", "10").containsEntry("LAG", "0");

        assertThat(reset("event-replayers", "events", "--to-earliest", "--execute").onlyRow())
                .containsEntry("NEW-OFFSET", "0");
        assertThat(describeOffsets("event-replayers").onlyRow()).containsEntry("CURRENT-OFFSET", "0")
                .containsEntry("LOG-END-OFFSET", "10").containsEntry("LAG", "10");
        assertThat(consume("events", "event-replayers", 10)).containsExactlyElementsOf(all);

        assertThat(reset("event-replayers", "events", "--to-offset", "7", "--execute").onlyRow())
                .containsEntry("NEW-OFFSET", "7");
        assertThat(describeOffsets("event-replayers").onlyRow()).containsEntry("CURRENT-OFFSET", "7")
                .containsEntry("LAG", "3");
        assertThat(consume("events", "event-replayers", 3)).containsExactly("event-7", "event-8", "event-9");

        // --shift-by moves the committed offset (10 after the last read) by -2
        assertThat(reset("event-replayers", "events", "--shift-by", "-2", "--execute").onlyRow())
                .containsEntry("NEW-OFFSET", "8");
        assertThat(describeOffsets("event-replayers").onlyRow()).containsEntry("CURRENT-OFFSET", "8")
                .containsEntry("LAG", "2");
        assertThat(consume("events", "event-replayers", 2)).containsExactly("event-8", "event-9");
    }

    @Test
    @DisplayName("--delete-offsets --topic removes that topic's committed offsets and keeps the others")
    void deleteOffsets() {
        createTopic("invoices", 2);
        createTopic("refunds", 1);
        produce("refunds", List.of("refund-1", "refund-2"));
        // committed offsets without any consumer: a reset of an unknown group commits them (as Kafka allows)
        PrintedTable committed = reset("billing", "invoices", "--topic", "refunds", "--to-latest", "--execute");
        assertThat(committed.rows()).hasSize(3);

        ToolResult deleted = groups("--delete-offsets", "--group", "billing", "--topic", "invoices");
        assertThat(deleted.stdoutLines()).as("%s", deleted)
                .contains("Request succeeded for deleting offsets from group billing.");
        assertThat(PrintedTable.parse(deleted.stdout(), "TOPIC").rows()).containsExactly(
                Map.of("TOPIC", "invoices", "PARTITION", "0", "STATUS", "Successful"),
                Map.of("TOPIC", "invoices", "PARTITION", "1", "STATUS", "Successful"));

        Map<String, String> remaining = describeOffsets("billing").onlyRow();
        assertThat(remaining).containsEntry("TOPIC", "refunds").containsEntry("PARTITION", "0")
                .containsEntry("CURRENT-OFFSET", "2").containsEntry("LAG", "0");

        ToolResult unknownGroup = groups("--delete-offsets", "--group", "no-such-group", "--topic", "refunds");
        assertThat(unknownGroup.stdoutLines()).as("%s", unknownGroup).contains("Error: The group id does not exist.");
    }

    // ---- tools ----

    private static ToolResult run(KafkaTool tool, String... args) {
        return tools.run(tool, cluster.withBootstrap(args));
    }

    /** Exit code 0 and no ERROR log line. */
    private static ToolResult succeeded(ToolResult result) {
        assertThat(result.exitCode()).as("exit code of %s", result).isZero();
        assertThat(result.stderr()).as("stderr of %s", result).doesNotContain("] ERROR ");
        return result;
    }

    /**
     * Runs {@code kafka-consumer-groups --bootstrap-server <all brokers> args...}, which exits 0 even when it prints
     * an {@code Error: ...} line (each test checks for those where it expects them).
     */
    private static ToolResult groups(String... args) {
        return succeeded(run(CONSUMER_GROUPS, args));
    }

    /** Creates {@code topic} with replication factor 3 and waits until it is created. */
    private static void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3))).all()
                    .get(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while creating " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not create " + topic, e);
        }
    }

    /** Writes unkeyed records with these values and waits until every one is acknowledged (acks=all). */
    private static void produce(String topic, List<String> values) {
        send(values.stream().map(value -> new ProducerRecord<String, String>(topic, value)).toList());
    }

    /** Records {@code k<i>:value-<i>} for {@code i} in {@code [from, to]}; the keys spread them over partitions. */
    private static void produceKeyed(String topic, int from, int to) {
        send(IntStream.rangeClosed(from, to).mapToObj(i -> new ProducerRecord<>(topic, "k" + i, "value-" + i))
                .toList());
    }

    private static void send(List<ProducerRecord<String, String>> records) {
        List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
        producer.flush();
        try {
            for (Future<RecordMetadata> ack : sent) {
                ack.get(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while producing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not produce " + records, e);
        }
    }

    /**
     * {@code kafka-console-consumer --topic T --group G --from-beginning --max-messages N}: reads N records and
     * commits their offsets on exit.
     *
     * @return the values printed, in printed order
     */
    private static List<String> consume(String topic, String group, int records) {
        ToolResult consumed = succeeded(run(CONSOLE_CONSUMER, "--topic", topic, "--group", group,
                "--from-beginning", "--max-messages", Integer.toString(records), "--timeout-ms", CONSUMER_TIMEOUT_MS));
        assertThat(consumed.stderr()).as("%s", consumed).contains("Processed a total of " + records + " messages");
        return consumed.stdoutLines();
    }

    /** A console consumer in {@code group} that runs until stopped. */
    private static RunningTool startConsumer(String topic, String group) {
        return tools.start(CONSOLE_CONSUMER, cluster.withBootstrap("--topic", topic, "--group", group,
                "--from-beginning"));
    }

    /** Waits until the running console consumer printed {@code records} records (so it is a member of its group). */
    private static void awaitPrinted(RunningTool consumer, int records) {
        await("console consumer printing " + records + " records").atMost(TOOL_TIMEOUT)
                .untilAsserted(() -> {
                    assertThat(consumer.isAlive()).as("%s", consumer).isTrue();
                    assertThat(consumer.stdoutLines()).hasSize(records);
                });
    }

    /** {@code kafka-consumer-groups --describe --group G}: the offsets table. */
    private static PrintedTable describeOffsets(String group) {
        return PrintedTable.parse(groups("--describe", "--group", group).stdout(), "GROUP");
    }

    /** {@code kafka-consumer-groups --describe --group G --state}: its one row. */
    private static Map<String, String> describeState(String group) {
        return PrintedTable.parse(groups("--describe", "--group", group, "--state").stdout(), "GROUP").onlyRow();
    }

    /**
     * {@code kafka-consumer-groups --reset-offsets --group G --topic T scenario...} (the scenario may add more
     * {@code --topic}s).
     *
     * @return the NEW-OFFSET table it prints
     */
    private static PrintedTable reset(String group, String topic, String... scenario) {
        List<String> args = new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic));
        args.addAll(List.of(scenario));
        ToolResult reset = groups(args.toArray(String[]::new));
        assertThat(reset.stdout()).as("%s", reset).doesNotContain("Error:");
        return PrintedTable.parse(reset.stdout(), "GROUP");
    }

    /** Partition number to log end offset, as {@code kafka-get-offsets --time -1} prints them. */
    private static Map<String, Long> logEndOffsets(String topic) {
        Map<String, Long> offsets = new HashMap<>();
        for (String line : succeeded(run(GET_OFFSETS, "--topic", topic, "--time", "-1")).stdoutLines()) {
            String[] parts = line.split(":");
            offsets.put(parts[1], Long.parseLong(parts[2]));
        }
        return offsets;
    }

    /** What {@code --describe --state} prints as COORDINATOR (ID) for each broker: {@code host:port  (id)}. */
    private static Set<String> coordinatorColumnValues() {
        return cluster.brokers().stream().map(b -> b.bootstrapServer() + "  (" + b.nodeId() + ")")
                .collect(Collectors.toSet());
    }

    private static List<String> values(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
    }

    private static long sum(List<String> numbers) {
        return numbers.stream().mapToLong(Long::parseLong).sum();
    }
}
