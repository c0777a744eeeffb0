package io.sluice.loadtests;

import io.sluice.loadtests.http.HttpTransport;
import io.sluice.loadtests.kafka.KafkaTransport;
import io.sluice.loadtests.metrics.ProcessCpuSampler;
import io.sluice.loadtests.commits.CommitRateCommand;
import io.sluice.loadtests.replay.ReplayCommand;
import io.sluice.loadtests.report.LoadTestSummary;
import io.sluice.loadtests.report.SummaryFormatter;
import io.sluice.loadtests.report.SummaryJson;
import io.sluice.loadtests.workload.HttpSettings;
import io.sluice.loadtests.workload.KafkaSettings;
import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.Mode;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Time;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The load generator's command line. A benchmark, not a test: it drives a broker at a bootstrap address over
 * the Kafka protocol (stock {@code KafkaProducer} / {@code KafkaConsumer} with {@code assign()}), or Sluice's
 * HTTP API, and prints throughput and latency.
 *
 * <p>Exit codes: 0 when the run completed (failed records are reported in the summary, not the exit code),
 * 1 when it could not run (topic preparation failed, no consumer could be positioned), 2 for bad options.
 */
@Command(
    name = "sluice-loadgen",
    mixinStandardHelpOptions = true,
    versionProvider = LoadGenerator.Version.class,
    sortOptions = false,
    usageHelpWidth = 110,
    subcommands = {ReplayCommand.class, CommitRateCommand.class},
    description = {
        "Drives a Kafka-compatible broker (or Sluice's HTTP API) with producers and/or consumers and reports",
        "throughput (records/s, MB/s with MB = 2^20 bytes) and latency percentiles (p50, p99, p99.9, max).",
        "Every run is bounded: give --num-records, --duration or both.",
        "Subcommand 'replay': the tiered-storage replay benchmark (sluice-loadgen replay --help).",
        ""
    },
    footer = {
        "",
        "Example (single broker on loopback, 1 KiB records, 6 partitions):",
        "  sluice-loadgen --bootstrap-servers 127.0.0.1:9092 --topic lt --partitions 6 --acks all \\",
        "      --producers 4 --consumers 3 --num-records 2000000 --json-output target/acks-all.json"
    })
public final class LoadGenerator implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
        description = "Kafka bootstrap address. Required for the Kafka protocol; with --http-url, used only to create the topic and find log end offsets.")
    String bootstrapServers;

    @Option(names = "--http-url", paramLabel = "URL",
        description = "Drive Sluice's HTTP API at this base URL (e.g. http://127.0.0.1:8080) instead of the Kafka protocol.")
    URI httpUrl;

    @Option(names = "--mode", defaultValue = "both", paramLabel = "MODE",
        description = "produce, consume or both (end-to-end latency). Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "sluice-loadtest", description = "Topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
        description = "Partitions when the topic is created (HTTP without --bootstrap-servers: partitions to use). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", description = "Replication factor when the topic is created. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(names = "--record-size", defaultValue = "1024", paramLabel = "BYTES",
        description = "Value size in bytes (>= 20 to carry the send time for end-to-end latency). Default: ${DEFAULT-VALUE}.")
    int recordSize;

    @Option(names = "--num-records", paramLabel = "N",
        description = "Records to produce, all producers together (mode consume: records to consume).")
    Long numRecords;

    @Option(names = "--duration", converter = Durations.class, paramLabel = "TIME",
        description = "How long to produce (mode consume: to consume), e.g. 60s, 5m; a bare number is seconds.")
    Duration duration;

    @Option(names = "--rate", paramLabel = "RECORDS/S",
        description = "Target records per second, all producers together. Default: unlimited.")
    Double rate;

    @Option(names = "--producers", paramLabel = "N", defaultValue = "1", description = "Producer clients, one thread each. Default: ${DEFAULT-VALUE}.")
    int producers;

    @Option(names = "--consumers", paramLabel = "N", defaultValue = "1",
        description = "Consumer clients, one thread each, splitting the partitions with assign(). Default: ${DEFAULT-VALUE}.")
    int consumers;

    @Option(names = "--consume-from", paramLabel = "earliest|latest",
        description = "Where consumers start in each partition. Default: latest in mode both, earliest in mode consume.")
    StartPosition consumeFrom;

    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all", description = "Producer acks: 0, 1 or all. Default: ${DEFAULT-VALUE}.")
    String acks;

    @Option(names = "--compression", paramLabel = "TYPE", defaultValue = "none",
        description = "Producer compression.type: none, gzip, snappy, lz4, zstd. Default: ${DEFAULT-VALUE}.")
    String compression;

    @Option(names = "--batch-size", paramLabel = "BYTES", description = "Producer batch.size. Default: the client's (16384).")
    Integer batchSize;

    @Option(names = "--linger-ms", paramLabel = "MS", description = "Producer linger.ms. Default: the client's (5).")
    Integer lingerMs;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE", description = "Extra producer config, repeatable (e.g. enable.idempotence=false).")
    Map<String, String> producerProperties;

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "Extra consumer config, repeatable.")
    Map<String, String> consumerProperties;

    @Option(names = "--http-batch-records", paramLabel = "N", defaultValue = "100", description = "HTTP: records per produce request. Default: ${DEFAULT-VALUE}.")
    int httpBatchRecords;

    @Option(names = "--http-in-flight", paramLabel = "N", defaultValue = "4", description = "HTTP: produce requests in flight per producer. Default: ${DEFAULT-VALUE}.")
    int httpInFlight;

    @Option(names = "--fetch-max-bytes", paramLabel = "BYTES", defaultValue = "1048576", description = "HTTP: max_bytes of each fetch. Default: ${DEFAULT-VALUE}.")
    int fetchMaxBytes;

    @Option(names = "--fetch-timeout-ms", paramLabel = "MS", defaultValue = "500", description = "HTTP: timeout_ms (long-poll wait) of each fetch. Default: ${DEFAULT-VALUE}.")
    long fetchTimeoutMs;

    @Option(names = "--http-request-timeout", defaultValue = "30s", converter = Durations.class, paramLabel = "TIME",
        description = "HTTP: client timeout of each request (fetches add their timeout_ms). Default: ${DEFAULT-VALUE}.")
    Duration httpRequestTimeout;

    @Option(names = "--idle-timeout", defaultValue = "10s", converter = Durations.class, paramLabel = "TIME",
        description = "Consumers stop after this long without a new record; producers with no progress at all are stopped too. Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--report-interval", defaultValue = "5", converter = Durations.class, paramLabel = "SECONDS",
        description = "Seconds between progress lines. Default: ${DEFAULT-VALUE}.")
    Duration reportInterval;

    @Option(names = "--broker-pid", paramLabel = "PID",
        description = "Broker process on this machine: report its CPU seconds (/proc/PID/stat utime+stime) per GB produced.")
    Long brokerPid;

    @Option(names = "--json-output", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path jsonOutput;

    /** @param args command-line arguments; exits the JVM with the command's exit code */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the command line, with case-insensitive enum values ({@code --mode both}, {@code --consume-from latest}) */
    public static CommandLine commandLine() {
        return new CommandLine(new LoadGenerator()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        LoadTestConfig config = config();
        ProcessCpuSampler brokerCpu = brokerCpuSampler();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Transport transport = config.usesHttp() ? new HttpTransport(config) : new KafkaTransport(config)) {
            LoadTestSummary summary = new LoadTestRunner(config, transport, Time.SYSTEM, out, brokerCpu).run();
            SummaryFormatter.format(summary).forEach(out::println);
            if (jsonOutput != null) {
                SummaryJson.write(summary, jsonOutput);
                out.println("summary written to " + jsonOutput);
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            err.println("load test failed: " + e);
            err.flush();
            return 1;
        }
    }

    /**
     * @return the validated settings of the parsed options
     * @throws ParameterException if they do not form a valid run
     */
    LoadTestConfig config() {
        try {
            KafkaSettings kafka = new KafkaSettings(bootstrapServers, acks, compression, batchSize, lingerMs,
                producerProperties, consumerProperties);
            HttpSettings http = httpUrl == null ? null : new HttpSettings(httpUrl, httpBatchRecords, httpInFlight,
                fetchMaxBytes, Duration.ofMillis(fetchTimeoutMs), httpRequestTimeout);
            StartPosition start = consumeFrom != null ? consumeFrom : mode == Mode.CONSUME ? StartPosition.EARLIEST : StartPosition.LATEST;
            return new LoadTestConfig(mode, topic, partitions, replicationFactor, recordSize, numRecords, duration, rate,
                producers, consumers, start, idleTimeout, reportInterval, brokerPid, jsonOutput, kafka, http);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private ProcessCpuSampler brokerCpuSampler() {
        if (brokerPid == null) {
            return null;
        }
        try {
            return ProcessCpuSampler.forPid(brokerPid);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--broker-pid " + brokerPid + ": cannot read /proc/" + brokerPid + "/stat (" + e + ")");
        }
    }

    /** Reports the jar's Implementation-Version, when built into one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LoadGenerator.class.getPackage().getImplementationVersion();
            return new String[] {"sluice-loadgen " + (version == null ? "(development build)" : version)};
        }
    }
}
