package io.sluice.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.Mode;
import io.sluice.loadtests.workload.StartPosition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = LoadGenerator.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static LoadTestConfig parse(String... args) {
        CommandLine cli = LoadGenerator.commandLine();
        cli.parseArgs(args);
        LoadGenerator command = cli.getCommand();
        return command.config();
    }

    @Test
    void helpPrintsUsageWithEveryOption() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("Usage: sluice-loadgen")
            .contains("--bootstrap-servers", "--http-url", "--topic", "--partitions", "--replication-factor",
                "--record-size", "--num-records", "--duration", "--rate", "--producers", "--consumers", "--acks",
                "--compression", "--batch-size", "--linger-ms", "--broker-pid", "--report-interval", "--json-output",
                "--mode", "--consume-from");
    }

    @Test
    void versionPrintsSomething() {
        assertThat(execute("--version")).isZero();
        assertThat(out.toString()).startsWith("sluice-loadgen ");
    }

    @Test
    void optionsBecomeTheRunConfiguration() {
        LoadTestConfig config = parse("--bootstrap-servers", "127.0.0.1:9092", "--topic", "lt", "--partitions", "6",
            "--acks", "1", "--compression", "zstd", "--batch-size", "65536", "--linger-ms", "10",
            "--producers", "4", "--consumers", "3", "--duration", "1.5m", "--rate", "20000", "--report-interval", "2",
            "--producer-property", "enable.idempotence=false", "--mode", "BOTH");

        assertThat(config.mode()).isEqualTo(Mode.BOTH);
        assertThat(config.topic()).isEqualTo("lt");
        assertThat(config.partitions()).isEqualTo(6);
        assertThat(config.recordSize()).isEqualTo(1024);
        assertThat(config.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.numRecords()).isNull();
        assertThat(config.rate()).isEqualTo(20_000.0);
        assertThat(config.reportInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.startPosition()).isEqualTo(StartPosition.LATEST);
        assertThat(config.kafka().acks()).isEqualTo("1");
        assertThat(config.kafka().compression()).isEqualTo("zstd");
        assertThat(config.kafka().batchSize()).isEqualTo(65536);
        assertThat(config.kafka().lingerMs()).isEqualTo(10);
        assertThat(config.kafka().producerProperties()).isEqualTo(Map.of("enable.idempotence", "false"));
        assertThat(config.usesHttp()).isFalse();
    }

    @Test
    void consumeModeReadsFromTheBeginningUnlessToldOtherwise() {
        assertThat(parse("--bootstrap-servers", "127.0.0.1:9092", "--mode", "consume", "--num-records", "10").startPosition())
            .isEqualTo(StartPosition.EARLIEST);
        assertThat(parse("--bootstrap-servers", "127.0.0.1:9092", "--mode", "consume", "--num-records", "10",
            "--consume-from", "latest").startPosition()).isEqualTo(StartPosition.LATEST);
    }

    @Test
    void httpUrlSelectsTheHttpTransport() {
        LoadTestConfig config = parse("--http-url", "http://127.0.0.1:8080", "--num-records", "1000",
            "--http-batch-records", "50", "--fetch-timeout-ms", "250");
        assertThat(config.usesHttp()).isTrue();
        assertThat(config.http().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(config.http().batchRecords()).isEqualTo(50);
        assertThat(config.http().fetchTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.kafka().bootstrapServers()).isNull();
    }

    @Test
    void badOptionsExitWithUsageErrorCode2() {
        assertThat(execute("--num-records", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers").contains("Usage:");
    }

    @Test
    void anUnboundedRunIsRefused() {
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092")).isEqualTo(2);
        assertThat(err.toString()).contains("every run must be bounded");
    }

    @Test
    void invalidValuesAreRefused() {
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--num-records", "1", "--acks", "2")).isEqualTo(2);
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--num-records", "1", "--compression", "brotli")).isEqualTo(2);
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--duration", "5x")).isEqualTo(2);
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--num-records", "1", "--mode", "sideways")).isEqualTo(2);
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--num-records", "1", "--topic", "no spaces")).isEqualTo(2);
        assertThat(err.toString()).contains("--acks must be one of").contains("--compression must be one of").contains("5x");
    }

    @Test
    void aBrokerPidThatIsNotARunningProcessIsRefusedBeforeAnythingIsSent() {
        assertThat(execute("--bootstrap-servers", "127.0.0.1:9092", "--num-records", "1", "--broker-pid", Long.toString(Long.MAX_VALUE)))
            .isEqualTo(2);
        assertThat(err.toString()).contains("--broker-pid");
    }
}
