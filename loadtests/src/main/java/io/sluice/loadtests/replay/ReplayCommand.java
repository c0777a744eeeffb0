package io.sluice.loadtests.replay;

import io.sluice.loadtests.ByteSizes;
import io.sluice.loadtests.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Time;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-loadgen replay}: the tiered-storage replay benchmark ({@link ReplayBenchmark}). Exit codes as the
 * load generator's: 0 when the run completed, 1 when it could not run (topic exists, broker or store unreachable,
 * nothing tiered in time, replay stalled), 2 for bad options.
 */
@Command(
    name = "replay",
    sortOptions = false,
    usageHelpWidth = 110,
    description = {
        "Tiered-storage replay benchmark. Creates a topic with remote.storage.enable=true, produces --bytes of records,",
        "waits until the brokers have uploaded it and deleted it locally, then measures:",
        "  - raw store: ranged GETs of the topic's .log objects straight from S3 (the broker's chunk size), MB/s;",
        "  - replay: one KafkaConsumer reading the topic from offset 0, MB/s, and its ratio to the raw store;",
        "  - tail latency: a producer at --tail-rate (acks=all, linger.ms=0), p50/p99/p99.9 alone and while the",
        "    replay runs.",
        "MB = 2^20 bytes. Sizes accept 64KiB, 256MiB, 1GiB (binary units); durations 30s, 5m.",
        ""
    },
    footer = {
        "",
        "Example (./sluice dev --brokers 1: S3Proxy on 127.0.0.1:9000, bucket sluice):",
        "  sluice-loadgen replay --bootstrap-servers 127.0.0.1:9092 --bytes 1GiB \\",
        "      --s3-access-key sluice-local --s3-secret-key sluice-local-secret --report-output replay.md"
    })
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap address.")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "NAME",
        description = "Replay topic, must not exist (the tail topic is NAME-tail). Default: sluice-replay-<epoch seconds>.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1", description = "Partitions of the replay topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", description = "Replication factor of both topics. Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    @Option(names = "--bytes", paramLabel = "SIZE", defaultValue = "1GiB", converter = ByteSizes.class,
        description = "Record value bytes to produce and replay. Default: ${DEFAULT-VALUE}.")
    long totalBytes;

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "1024", description = "Value size of the replayed records. Default: ${DEFAULT-VALUE}.")
    int recordSize;

    @Option(names = "--segment-bytes", paramLabel = "SIZE", defaultValue = "64MiB", converter = ByteSizes.class,
        description = "segment.bytes of the replay topic (one uploaded .log object each). Default: ${DEFAULT-VALUE}.")
    long segmentBytes;

    @Option(names = "--local-retention-bytes", paramLabel = "SIZE", defaultValue = "0", converter = ByteSizes.class,
        description = "local.retention.bytes of the replay topic: small, so tiered segments leave the broker's disk. Default: ${DEFAULT-VALUE}.")
    long localRetentionBytes;

    @Option(names = "--load-acks", paramLabel = "1|all", defaultValue = "1", description = "acks of the load phase. Default: ${DEFAULT-VALUE}.")
    String loadAcks;

    @Option(names = "--chunk-bytes", paramLabel = "SIZE", defaultValue = "1MiB", converter = ByteSizes.class,
        description = "Bytes per ranged GET of the raw read: the brokers' sluice.remote.fetch.chunk.bytes. Default: ${DEFAULT-VALUE}.")
    long chunkBytes;

    @Option(names = "--raw-concurrency", paramLabel = "N", defaultValue = "3",
        description = "Ranged GETs in flight in the raw read (the broker: 1 read + sluice.remote.fetch.read.ahead.chunks, default 2). Default: ${DEFAULT-VALUE}.")
    int rawConcurrency;

    @Option(names = "--raw-passes", paramLabel = "N", defaultValue = "3",
        description = "Passes of the raw read over all objects; the first is cold, the last (warm) is compared. Default: ${DEFAULT-VALUE}.")
    int rawPasses;

    @Option(names = "--tail-rate", paramLabel = "RECORDS/S", defaultValue = "1000", description = "Tail producer rate (acks=all). Default: ${DEFAULT-VALUE}.")
    double tailRate;

    @Option(names = "--tail-record-size", paramLabel = "BYTES", defaultValue = "1024", description = "Tail record value size. Default: ${DEFAULT-VALUE}.")
    int tailRecordSize;

    @Option(names = "--tail-duration", paramLabel = "TIME", defaultValue = "30s", converter = Durations.class,
        description = "Length of each tail latency phase (alone, then during replay). Default: ${DEFAULT-VALUE}.")
    Duration tailDuration;

    @Option(names = "--tail-producer-property", paramLabel = "KEY=VALUE",
        description = "Extra tail producer config, repeatable (applied over acks=all, linger.ms=0).")
    Map<String, String> tailProducerProperties;

    @Option(names = "--tier-timeout", paramLabel = "TIME", defaultValue = "10m", converter = Durations.class,
        description = "How long to wait for upload and local deletion (broker retention checks run every 5 min by default). Default: ${DEFAULT-VALUE}.")
    Duration tierTimeout;

    @Option(names = "--replay-idle-timeout", paramLabel = "TIME", defaultValue = "60s", converter = Durations.class,
        description = "The replay fails after this long without a record. Default: ${DEFAULT-VALUE}.")
    Duration replayIdleTimeout;

    @Option(names = "--replay-consumer-property", paramLabel = "KEY=VALUE",
        description = "Extra replay consumer config, repeatable (e.g. max.partition.fetch.bytes=4194304).")
    Map<String, String> replayConsumerProperties;

    @Option(names = "--s3-endpoint", paramLabel = "URL", defaultValue = "http://127.0.0.1:9000",
        description = "The brokers' sluice.s3.endpoint; 'aws' for AWS S3. Default: ${DEFAULT-VALUE} (./sluice dev).")
    String s3Endpoint;

    @Option(names = "--s3-bucket", paramLabel = "NAME", defaultValue = "sluice", description = "The brokers' sluice.s3.bucket. Default: ${DEFAULT-VALUE}.")
    String s3Bucket;

    @Option(names = "--s3-prefix", paramLabel = "PREFIX", defaultValue = "", description = "The brokers' sluice.s3.prefix. Default: none.")
    String s3Prefix;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1", description = "Signing region. Default: ${DEFAULT-VALUE}.")
    String s3Region;

    @Option(names = "--s3-access-key", paramLabel = "KEY", defaultValue = "${env:AWS_ACCESS_KEY_ID}",
        description = "Access key. Default: $AWS_ACCESS_KEY_ID, else the AWS default credentials chain.")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", defaultValue = "${env:AWS_SECRET_ACCESS_KEY}",
        description = "Secret key. Default: $AWS_SECRET_ACCESS_KEY.")
    String s3SecretKey;

    @Option(names = "--broker-pid", paramLabel = "PID", description = "Broker process on this machine: report its CPU seconds.")
    Long brokerPid;

    @Option(names = "--store-pid", paramLabel = "PID", description = "Object store server (S3Proxy, MinIO) on this machine: report its CPU seconds.")
    Long storePid;

    @Option(names = "--reuse-topic",
        description = "Measure the --topic an earlier run created, loaded and tiered again (no creation, no load).")
    boolean reuseTopic;

    @Option(names = "--report-output", paramLabel = "FILE", description = "Also write the report (markdown) to FILE.")
    Path reportOutput;

    @Override
    public Integer call() {
        ReplaySettings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ReplayReport report = new ReplayBenchmark(settings, out, Time.SYSTEM).run();
            List<String> lines = ReplayReportFormatter.format(report);
            out.println();
            lines.forEach(out::println);
            if (reportOutput != null) {
                write(reportOutput, lines);
                out.println();
                out.println("report written to " + reportOutput);
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            err.println("replay benchmark failed: " + e);
            err.flush();
            return 1;
        }
    }

    /**
     * @return the validated settings of the parsed options
     * @throws ParameterException if they do not form a valid run
     */
    ReplaySettings settings() {
        try {
            if (segmentBytes > Integer.MAX_VALUE || chunkBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--segment-bytes and --chunk-bytes must be below 2 GiB");
            }
            URI endpoint = "aws".equalsIgnoreCase(s3Endpoint) ? null : URI.create(s3Endpoint);
            ObjectStoreSettings store = new ObjectStoreSettings(endpoint, s3Bucket, s3Prefix, s3Region, blankToNull(s3AccessKey),
                blankToNull(s3SecretKey));
            if (reuseTopic && topic == null) {
                throw new IllegalArgumentException("--reuse-topic needs --topic");
            }
            String name = topic != null ? topic : "sluice-replay-" + System.currentTimeMillis() / 1000;
            return new ReplaySettings(bootstrapServers, name, partitions, replicationFactor, totalBytes, recordSize,
                (int) segmentBytes, localRetentionBytes, loadAcks, (int) chunkBytes, rawConcurrency, rawPasses, tailRate, tailRecordSize,
                tailDuration, tailProducerProperties, tierTimeout, replayIdleTimeout, replayConsumerProperties, store, brokerPid, storePid, reuseTopic, reportOutput);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Files.write(target, lines);
    }
}
