package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.LoadGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = LoadGenerator.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static ReplaySettings parse(String... args) {
        CommandLine cli = LoadGenerator.commandLine();
        CommandLine.ParseResult result = cli.parseArgs(args);
        ReplayCommand command = result.subcommand().commandSpec().commandLine().getCommand();
        return command.settings();
    }

    @Test
    void isASubcommandOfTheLoadGenerator() {
        assertThat(execute("replay", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: sluice-loadgen replay")
            .contains("--bytes", "--segment-bytes", "--local-retention-bytes", "--chunk-bytes", "--raw-concurrency",
                "--tail-rate", "--tail-duration", "--s3-endpoint", "--s3-bucket", "--s3-prefix", "--report-output");
        out.getBuffer().setLength(0);
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("replay");
    }

    @Test
    void defaultsMatchTheBrief() {
        ReplaySettings s = parse("replay", "--bootstrap-servers", "127.0.0.1:9092", "--s3-access-key", "a", "--s3-secret-key", "b");

        assertThat(s.topic()).startsWith("sluice-replay-");
        assertThat(s.partitions()).isEqualTo(1);
        assertThat(s.totalBytes()).isEqualTo(1L << 30);
        assertThat(s.recordSize()).isEqualTo(1024);
        assertThat(s.segmentBytes()).isEqualTo(64 << 20);
        assertThat(s.localRetentionBytes()).isZero();
        assertThat(s.chunkBytes()).isEqualTo(1 << 20);
        assertThat(s.rawConcurrency()).isEqualTo(3);
        assertThat(s.tailRate()).isEqualTo(1000.0);
        assertThat(s.tailRecordSize()).isEqualTo(1024);
        assertThat(s.tailDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.objectStore()).isEqualTo(new ObjectStoreSettings(URI.create("http://127.0.0.1:9000"), "sluice", "",
            "us-east-1", "a", "b"));
    }

    @Test
    void optionsBecomeTheSettings() {
        ReplaySettings s = parse("replay", "--bootstrap-servers", "127.0.0.1:9092", "--topic", "r1", "--partitions", "2",
            "--bytes", "256MiB", "--segment-bytes", "16m", "--local-retention-bytes", "1k", "--chunk-bytes", "4MiB",
            "--raw-concurrency", "6", "--tail-rate", "500", "--tail-duration", "1m", "--load-acks", "all",
            "--replay-consumer-property", "max.partition.fetch.bytes=4194304", "--tail-producer-property", "linger.ms=5",
            "--s3-endpoint", "aws", "--s3-region", "eu-west-1", "--s3-prefix", "prod", "--s3-access-key", "a",
            "--s3-secret-key", "b");

        assertThat(s.topic()).isEqualTo("r1");
        assertThat(s.recordCount()).isEqualTo(262_144);
        assertThat(s.segmentBytes()).isEqualTo(16 << 20);
        assertThat(s.localRetentionBytes()).isEqualTo(1024);
        assertThat(s.chunkBytes()).isEqualTo(4 << 20);
        assertThat(s.rawConcurrency()).isEqualTo(6);
        assertThat(s.tailDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.loadAcks()).isEqualTo("all");
        assertThat(s.replayConsumerProperties()).isEqualTo(Map.of("max.partition.fetch.bytes", "4194304"));
        assertThat(s.tailProducerProperties()).isEqualTo(Map.of("linger.ms", "5"));
        assertThat(s.objectStore().endpoint()).isNull();
        assertThat(s.objectStore().prefix()).isEqualTo("prod/");
        assertThat(s.objectStore().region()).isEqualTo("eu-west-1");
    }

    @Test
    void reusingATopicNeedsItsName() {
        assertThat(parse("replay", "--bootstrap-servers", "127.0.0.1:9092", "--topic", "replay-1g", "--reuse-topic").reuseTopic())
            .isTrue();
        assertThat(execute("replay", "--bootstrap-servers", "127.0.0.1:9092", "--reuse-topic")).isEqualTo(2);
        assertThat(err.toString()).contains("--reuse-topic needs --topic");
    }

    @Test
    void badOptionsExitWithTwo() {
        assertThat(execute("replay")).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers");
        assertThat(execute("replay", "--bootstrap-servers", "127.0.0.1:9092", "--bytes", "10MiB")).isEqualTo(2);
        assertThat(err.toString()).contains("two segments per partition");
        assertThat(execute("replay", "--bootstrap-servers", "127.0.0.1:9092", "--bytes", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("not a byte size");
    }
}
