package io.sluice.compat;

import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static io.sluice.compat.KafkaTool.BROKER_API_VERSIONS;
import static io.sluice.compat.KafkaTool.CONFIGS;
import static io.sluice.compat.KafkaTool.CONSOLE_CONSUMER;
import static io.sluice.compat.KafkaTool.CONSOLE_PRODUCER;
import static io.sluice.compat.KafkaTool.DUMP_LOG;
import static io.sluice.compat.KafkaTool.GET_OFFSETS;
import static io.sluice.compat.KafkaTool.TOPICS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apache Kafka 4.3.1's own command-line tools, unchanged, against one Sluice broker running as a separate JVM: the
 * command lines of the project's Kafka reference notes (the seeds) with only the bootstrap address changed. Each tool
 * runs as a child JVM ({@link ToolRunner}); the tests assert on its exit code and on what it prints, line by line
 * where scripts parse the output. Tests are independent: each uses its own topics.
 */
@ExtendWith(EtcdExtension.class)
@DisplayName("Kafka 4.3 CLI tools, unchanged, against a Sluice broker")
class KafkaCliCompatibilityTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    /** Bounds the console consumer when fewer records than {@code --max-messages} arrive. */
    private static final String CONSUMER_TIMEOUT_MS = "30000";
    private static final String ONE = Integer.toString(SluiceBrokerProcess.NODE_ID);

    private static SluiceBrokerProcess broker;
    private static ToolRunner tools;

    @RegisterExtension
    static final BrokerLogOnFailure BROKER_LOG =
            new BrokerLogOnFailure(() -> broker == null ? List.of() : List.of(broker));

    @BeforeAll
    static void startBroker(EtcdTestEnv etcd, @TempDir Path dir) throws IOException {
        Path brokerDir = Files.createDirectories(dir.resolve("broker"));
        Path toolsDir = Files.createDirectories(dir.resolve("tools"));
        broker = SluiceBrokerProcess.start(etcd.endpoint(), etcd.newNamespace(), brokerDir);
        tools = new ToolRunner(toolsDir, TOOL_TIMEOUT);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** Runs {@code tool --bootstrap-server <broker> args...}. */
    private static ToolResult against(KafkaTool tool, String... args) {
        return tools.run(tool, withBootstrap(args));
    }

    private static ToolResult againstWithInput(KafkaTool tool, String stdin, String... args) {
        return tools.runWithInput(tool, stdin, withBootstrap(args));
    }

    private static String[] withBootstrap(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrapServer();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** Exit code 0 and no ERROR log line (e.g. the producer's "Error when sending message"). */
    private static ToolResult succeeded(ToolResult result) {
        assertThat(result.exitCode()).as("exit code of %s", result).isZero();
        assertThat(result.stderr()).as("stderr of %s", result).doesNotContain("] ERROR ");
        return result;
    }

    /** Exit code 1 (Kafka's tools' failure code) and {@code text} somewhere in the output. */
    private static ToolResult failedWith(ToolResult result, String... texts) {
        assertThat(result.exitCode()).as("exit code of %s", result).isEqualTo(1);
        assertThat(result.output()).as("output of %s", result).contains(texts);
        return result;
    }

    private static DescribedTopic describe(String topic) {
        return DescribedTopic.parseOne(succeeded(against(TOPICS, "--describe", "--topic", topic)).stdout());
    }

    private static void createTopic(String topic, int partitions) {
        ToolResult created = against(TOPICS, "--create", "--topic", topic, "--partitions",
                Integer.toString(partitions), "--replication-factor", "1");
        assertThat(succeeded(created).stdout()).as("%s", created).contains("Created topic " + topic + ".");
    }

    private static void assertAllPartitionsLedByTheBroker(DescribedTopic topic, int partitions) {
        assertThat(topic.partitionIds()).isEqualTo(IntStream.range(0, partitions).boxed().toList());
        assertThat(topic.partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(ONE);
            assertThat(p.replicas()).isEqualTo(ONE);
            assertThat(p.isr()).isEqualTo(ONE);
        });
    }

    @Nested
    @DisplayName("kafka-topics (TopicCommand)")
    class KafkaTopics {

        @Test
        @DisplayName("--create, --describe and --list show the topic; a second --create fails with TopicExists")
        void createDescribeList() {
            createTopic("peter-test01", 3);

            DescribedTopic described = describe("peter-test01");
            assertThat(described.name()).isEqualTo("peter-test01");
            assertThat(described.topicId()).matches("[A-Za-z0-9_-]{22}");
            assertThat(described.partitionCount()).isEqualTo(3);
            assertThat(described.replicationFactor()).isEqualTo(1);
            assertThat(described.configs()).isEmpty();
            assertAllPartitionsLedByTheBroker(described, 3);

            assertThat(succeeded(against(TOPICS, "--list")).stdoutLines()).contains("peter-test01");

            failedWith(against(TOPICS, "--create", "--topic", "peter-test01", "--partitions", "3",
                    "--replication-factor", "1"),
                    "Topic 'peter-test01' already exists.", "TopicExistsException");
        }

        @Test
        @DisplayName("--alter --partitions adds partitions and keeps the topic id; fewer partitions is refused")
        void alterAddsPartitionsButNeverRemovesThem() {
            createTopic("peter-alter01", 3);
            String topicId = describe("peter-alter01").topicId();

            succeeded(against(TOPICS, "--alter", "--topic", "peter-alter01", "--partitions", "6"));
            DescribedTopic grown = describe("peter-alter01");
            assertThat(grown.topicId()).isEqualTo(topicId);
            assertThat(grown.partitionCount()).isEqualTo(6);
            assertAllPartitionsLedByTheBroker(grown, 6);

            failedWith(against(TOPICS, "--alter", "--topic", "peter-alter01", "--partitions", "2"),
                    "InvalidPartitionsException", "currently has 6 partition(s); 2 would not be an increase");
            assertThat(describe("peter-alter01").partitionCount()).isEqualTo(6);
        }

        @Test
        @DisplayName("--delete removes the topic from --list and --describe")
        void deleteRemovesTheTopic() {
            createTopic("peter-delete01", 2);

            succeeded(against(TOPICS, "--delete", "--topic", "peter-delete01"));

            await("peter-delete01 gone from --list").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(succeeded(against(TOPICS, "--list")).stdoutLines()).doesNotContain("peter-delete01"));
            failedWith(against(TOPICS, "--describe", "--topic", "peter-delete01"),
                    "Topic 'peter-delete01' does not exist as expected");
        }

        @Test
        @DisplayName("--create --config retention.ms=1000 shows the override in --describe")
        void createWithConfigOverride() {
            ToolResult created = against(TOPICS, "--create", "--topic", "peter-retention01", "--partitions", "1",
                    "--replication-factor", "1", "--config", "retention.ms=1000");
            assertThat(succeeded(created).stdout()).contains("Created topic peter-retention01.");

            assertThat(describe("peter-retention01").configs()).isEqualTo("retention.ms=1000");
        }

        @Test
        @DisplayName("--replication-factor 3 on one broker fails with InvalidReplicationFactor, as in Kafka")
        void replicationFactorAboveBrokerCountIsRefused() {
            failedWith(against(TOPICS, "--create", "--topic", "topic-p3-r3", "--partitions", "3",
                    "--replication-factor", "3"),
                    "InvalidReplicationFactorException", "replication factor of 3");
        }
    }

    /**
     * The data path of the first note (console producer → segment file → console consumer), on a one-partition
     * topic so that every record lands in partition 0: three plain lines, then two {@code key:value} lines.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("console producer, console consumer, get-offsets and dump-log on the records produced")
    class DataPath {
        private static final String TOPIC = "peter-basic01";
        private final List<String> plainLines = List.of("test message1", "test message2", "test message3");

        @BeforeAll
        void produce() {
            createTopic(TOPIC, 1);
            succeeded(againstWithInput(CONSOLE_PRODUCER, String.join("\n", plainLines) + "\n", "--topic", TOPIC));
            // The pre-4.x option spelling, as in the notes; 4.3 still accepts it (deprecated for --reader-property).
            succeeded(againstWithInput(CONSOLE_PRODUCER, "k1:v1\nk2:v2\n", "--topic", TOPIC,
                    "--property", "parse.key=true", "--property", "key.separator=:"));
        }

        @Test
        @DisplayName("kafka-console-consumer --partition 0 --from-beginning reads every value, in order")
        void consumerReadsEverythingFromTheBeginning() {
            ToolResult consumed = succeeded(against(CONSOLE_CONSUMER, "--topic", TOPIC, "--partition", "0",
                    "--from-beginning", "--max-messages", "5", "--timeout-ms", CONSUMER_TIMEOUT_MS));

            assertThat(consumed.stdoutLines()).as("%s", consumed)
                    .containsExactly("test message1", "test message2", "test message3", "v1", "v2");
            assertThat(consumed.stderr()).contains("Processed a total of 5 messages");
        }

        @Test
        @DisplayName("kafka-console-consumer --offset 1 with print.key=true reads keys and values from offset 1")
        void consumerReadsKeysFromAnOffset() {
            ToolResult consumed = succeeded(against(CONSOLE_CONSUMER, "--topic", TOPIC, "--partition", "0",
                    "--offset", "1", "--max-messages", "4", "--timeout-ms", CONSUMER_TIMEOUT_MS,
                    "--formatter-property", "print.key=true"));

            assertThat(consumed.stdoutLines()).as("%s", consumed)
                    .containsExactly("null\ttest message2", "null\ttest message3", "k1\tv1", "k2\tv2");
        }

        @Test
        @DisplayName("kafka-get-offsets --time -1 / -2 prints the log end offset and the log start offset")
        void getOffsetsPrintsLatestAndEarliest() {
            ToolResult latest = succeeded(against(GET_OFFSETS, "--topic", TOPIC, "--time", "-1"));
            assertThat(latest.stdoutLines()).as("%s", latest).containsExactly(TOPIC + ":0:5");

            ToolResult earliest = succeeded(against(GET_OFFSETS, "--topic", TOPIC, "--time", "-2"));
            assertThat(earliest.stdoutLines()).as("%s", earliest).containsExactly(TOPIC + ":0:0");
        }

        @Test
        @DisplayName("kafka-dump-log reads the broker's segment and index files as Kafka's own")
        void dumpLogReadsTheSegmentFile() {
            Path partitionDir = broker.logDir().resolve(TOPIC + "-0");
            Path segment = partitionDir.resolve("00000000000000000000.log");
            Path offsetIndex = partitionDir.resolve("00000000000000000000.index");
            Path timeIndex = partitionDir.resolve("00000000000000000000.timeindex");

            ToolResult dumped = succeeded(tools.run(DUMP_LOG, "--print-data-log", "--index-sanity-check",
                    "--files", segment + "," + offsetIndex + "," + timeIndex));

            List<String> lines = dumped.stdoutLines();
            assertThat(lines).as("%s", dumped).contains("Dumping " + segment, "Log starting offset: 0",
                    offsetIndex + " passed sanity check.", timeIndex + " passed sanity check.");
            List<String> batches = lines.stream().filter(l -> l.startsWith("baseOffset: ")).toList();
            assertThat(batches).as("%s", dumped).isNotEmpty().allSatisfy(batch -> assertThat(batch)
                    .contains("magic: 2", "compresscodec: none", "isTransactional: false", "isvalid: true"));
            assertThat(batches.get(0)).startsWith("baseOffset: 0 ").contains("position: 0 ");
            assertThat(lines.stream().filter(l -> l.startsWith("| offset: ")).toList()).as("%s", dumped)
                    .satisfiesExactly(
                            r -> assertThat(r).startsWith("| offset: 0 ").endsWith(" payload: test message1"),
                            r -> assertThat(r).startsWith("| offset: 1 ").endsWith(" payload: test message2"),
                            r -> assertThat(r).startsWith("| offset: 2 ").endsWith(" payload: test message3"),
                            r -> assertThat(r).startsWith("| offset: 3 ").endsWith(" key: k1 payload: v1"),
                            r -> assertThat(r).startsWith("| offset: 4 ").endsWith(" key: k2 payload: v2"));
        }
    }

    @Nested
    @DisplayName("kafka-broker-api-versions (BrokerApiVersionsCommand)")
    class BrokerApiVersions {
        /** {@code Name(key): min to max [usable: v]}, or {@code Name(key): UNSUPPORTED}. */
        private static final Pattern USABLE = Pattern.compile("\t(\\w+)\\((\\d+)\\): (\\d+) to (\\d+) \\[usable: (\\d+)]");

        @Test
        @DisplayName("lists the broker with a usable version of every API the tools use")
        void listsUsableVersions() {
            ToolResult versions = succeeded(against(BROKER_API_VERSIONS));

            assertThat(versions.stdoutLines().get(0)).as("%s", versions)
                    .isEqualTo(broker.bootstrapServer() + " (id: " + ONE + " rack: null isFenced: false) -> (");
            List<String> usable = versions.stdoutLines().stream().map(USABLE::matcher).filter(Matcher::lookingAt)
                    .map(m -> m.group(1)).toList();
            assertThat(usable).as("%s", versions).contains("Produce", "Fetch", "ListOffsets", "Metadata",
                    "ApiVersions", "CreateTopics", "DeleteTopics", "CreatePartitions", "DescribeConfigs",
                    "IncrementalAlterConfigs", "InitProducerId", "FindCoordinator", "DescribeCluster");
        }
    }

    @Nested
    @DisplayName("kafka-configs (kafka.admin.ConfigCommand)")
    class KafkaConfigs {

        @Test
        @DisplayName("--alter --add-config / --delete-config change what --describe shows")
        void alterAndDescribeTopicConfig() {
            createTopic("peter-configs01", 1);
            String[] topic = {"--entity-type", "topics", "--entity-name", "peter-configs01"};

            ToolResult added = succeeded(against(CONFIGS, concat(topic, "--alter", "--add-config",
                    "retention.ms=5000")));
            assertThat(added.stdout()).as("%s", added).contains("Completed updating config for topic peter-configs01.");

            ToolResult described = succeeded(against(CONFIGS, concat(topic, "--describe")));
            assertThat(described.stdoutLines()).as("%s", described)
                    .first().isEqualTo("Dynamic configs for topic peter-configs01 are:");
            assertThat(described.stdoutLines()).as("%s", described).anySatisfy(line -> assertThat(line)
                    .startsWith("  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000"));

            succeeded(against(CONFIGS, concat(topic, "--alter", "--delete-config", "retention.ms")));
            ToolResult afterDelete = succeeded(against(CONFIGS, concat(topic, "--describe")));
            assertThat(afterDelete.stdoutLines()).as("%s", afterDelete)
                    .containsExactly("Dynamic configs for topic peter-configs01 are:");
        }

        private static String[] concat(String[] first, String... rest) {
            String[] all = new String[first.length + rest.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            return all;
        }
    }
}
