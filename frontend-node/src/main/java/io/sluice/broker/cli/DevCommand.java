package io.sluice.broker.cli;

import io.sluice.metadata.local.LocalEtcd;
import io.sluice.tiering.local.LocalS3Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice dev}: a local cluster on 127.0.0.1 for development: one etcd process and broker processes, each
 * with its data under {@code --data-dir} (reused across runs). Ctrl-C or SIGTERM stops everything cleanly.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run a local Sluice cluster (etcd + brokers) on 127.0.0.1.")
final class DevCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data/dev", description = "data directory (default: ${DEFAULT-VALUE})")
    private Path dataDir;

    @Option(names = "--brokers", defaultValue = "3", description = "number of broker processes (default: ${DEFAULT-VALUE})")
    private int brokers;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "first broker's Kafka port; broker i uses port+i-1")
    private int kafkaPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "first broker's HTTP port; broker i uses port+i-1")
    private int httpPort;

    @Option(names = "--etcd-port", defaultValue = "2379", description = "etcd client port (peer port is this + 1)")
    private int etcdPort;

    @Option(names = "--broker-heap", defaultValue = "1g", description = "each broker's -Xmx (default: ${DEFAULT-VALUE})")
    private String brokerHeap;

    @Option(names = {"-D", "--broker-property"}, paramLabel = "KEY=VALUE",
            description = "a broker setting for every broker (Kafka's names), e.g. -D log.retention.check.interval.ms=10000; "
                    + "repeatable; overrides the dev defaults")
    Map<String, String> brokerProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--s3-endpoint", description = "S3-compatible store for tiered storage (MinIO, AWS S3); default: an "
            + "embedded S3Proxy under the data dir on 127.0.0.1:9000. Credentials: AWS_ACCESS_KEY_ID, "
            + "AWS_SECRET_ACCESS_KEY, AWS_REGION")
    private String s3Endpoint;

    @Option(names = "--s3-bucket", defaultValue = "sluice", description = "bucket for tiered storage, created if missing "
            + "(default: ${DEFAULT-VALUE})")
    private String s3Bucket;

    /** The {@code sluice.s3.*} settings every broker gets; empty when no store is available. */
    private final Properties s3Settings = new Properties();

    @Override
    public Integer call() throws Exception {
        if (brokers < 1) {
            System.err.println("--brokers must be at least 1");
            return 2;
        }
        Path root = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        System.out.println("sluice dev: data in " + root);
        LocalEtcd etcd = LocalEtcd.builder(root.resolve("etcd")).clientPort(etcdPort).peerPort(etcdPort + 1).start();
        System.out.println("sluice dev: etcd ready at " + etcd.endpoint() + " (log: " + root.resolve("etcd") + ")");
        LocalS3Server s3 = startObjectStore(root);
        List<BrokerProcess> processes = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nsluice dev: stopping brokers and etcd...");
            for (BrokerProcess process : processes) {
                try {
                    process.stop(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (s3 != null) {
                s3.close();
            }
            etcd.close();
            stop.countDown();
        }, "sluice-dev-shutdown"));
        for (int id = 1; id <= brokers; id++) {
            Path brokerDir = root.resolve("broker-" + id);
            Path config = writeBrokerConfig(brokerDir, id, etcd.endpoint());
            BrokerProcess process = BrokerProcess.start(config, brokerDir.resolve("broker.log"),
                    List.of("-Xms128m", "-Xmx" + brokerHeap, "-XX:+UseG1GC"));
            processes.add(process);
            int nodeId = id;
            process.process().onExit().thenAccept(p -> {
                if (stop.getCount() > 0) {
                    System.err.println("sluice dev: broker " + nodeId + " (pid " + p.pid() + ") exited with code "
                            + p.exitValue() + "; see " + process.logFile());
                }
            });
        }
        for (int i = 0; i < processes.size(); i++) {
            if (!awaitReady(processes.get(i), httpPort + i)) {
                System.err.println("sluice dev: broker " + (i + 1) + " did not become ready; last lines of "
                        + processes.get(i).logFile() + ":");
                printTail(processes.get(i).logFile(), 30);
                System.exit(1);
            }
        }
        printBanner(etcd.endpoint(), processes);
        stop.await();
        return 0;
    }

    /**
     * Starts the embedded S3Proxy unless {@code --s3-endpoint} is given, and fills {@link #s3Settings}.
     *
     * @return the embedded server, or null when an external store is used or S3Proxy is not available
     */
    private LocalS3Server startObjectStore(Path root) {
        s3Settings.setProperty("sluice.s3.bucket", s3Bucket);
        if (s3Endpoint != null) {
            s3Settings.setProperty("sluice.s3.endpoint", s3Endpoint);
            Map<String, String> env = System.getenv();
            if (env.get("AWS_ACCESS_KEY_ID") != null && env.get("AWS_SECRET_ACCESS_KEY") != null) {
                s3Settings.setProperty("sluice.s3.access.key", env.get("AWS_ACCESS_KEY_ID"));
                s3Settings.setProperty("sluice.s3.secret.key", env.get("AWS_SECRET_ACCESS_KEY"));
            }
            if (env.get("AWS_REGION") != null) {
                s3Settings.setProperty("sluice.s3.region", env.get("AWS_REGION"));
            }
            System.out.println("sluice dev: tiered storage in bucket " + s3Bucket + " at " + s3Endpoint);
            return null;
        }
        if (!LocalS3Server.isAvailable()) {
            System.err.println("sluice dev: S3Proxy jar not found, tiered storage is off (or pass --s3-endpoint URL)");
            s3Settings.clear();
            return null;
        }
        LocalS3Server server = LocalS3Server.builder(root.resolve("s3")).port(9000).start();
        s3Settings.setProperty("sluice.s3.endpoint", server.endpoint());
        s3Settings.setProperty("sluice.s3.access.key", LocalS3Server.ACCESS_KEY);
        s3Settings.setProperty("sluice.s3.secret.key", LocalS3Server.SECRET_KEY);
        s3Settings.setProperty("sluice.s3.region", LocalS3Server.REGION);
        System.out.println("sluice dev: S3 store (S3Proxy) ready at " + server.endpoint() + ", bucket " + s3Bucket
                + " (data: " + root.resolve("s3") + ")");
        return server;
    }

    private Path writeBrokerConfig(Path brokerDir, int id, String etcdEndpoint) throws IOException {
        Files.createDirectories(brokerDir);
        Properties props = new Properties();
        props.setProperty("node.id", Integer.toString(id));
        props.setProperty("log.dirs", brokerDir.resolve("logs").toString());
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + (kafkaPort + id - 1));
        props.setProperty("http.listeners", "http://127.0.0.1:" + (httpPort + id - 1));
        props.setProperty("etcd.endpoints", etcdEndpoint);
        props.setProperty("num.partitions", "1");
        props.setProperty("default.replication.factor", Integer.toString(Math.min(brokers, 3)));
        props.setProperty("min.insync.replicas", brokers >= 3 ? "2" : "1");
        props.setProperty("controller.lease.ttl.ms", "6000");
        props.putAll(s3Settings);
        props.putAll(brokerProperties);
        Path file = brokerDir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            props.store(writer, "written by sluice dev; edited values are overwritten on the next start");
        }
        return file;
    }

    private static boolean awaitReady(BrokerProcess process, int port) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.process().onExit().completeOnTimeout(null, 250, java.util.concurrent.TimeUnit.MILLISECONDS).join();
        }
        return false;
    }

    private static void printTail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.err::println);
        } catch (IOException e) {
            System.err.println("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    private void printBanner(String etcdEndpoint, List<BrokerProcess> processes) {
        StringBuilder bootstrap = new StringBuilder();
        for (int i = 0; i < brokers; i++) {
            bootstrap.append(i == 0 ? "" : ",").append("127.0.0.1:").append(kafkaPort + i);
        }
        System.out.println();
        System.out.println("Sluice is running: " + brokers + " broker(s), etcd at " + etcdEndpoint);
        System.out.println("  bootstrap.servers = " + bootstrap);
        System.out.println("  HTTP API          = http://127.0.0.1:" + httpPort + "  (metrics: /metrics)");
        System.out.println("  broker logs       = " + dataDir.resolve("broker-N").resolve("broker.log")
                + "  (pids: " + processes.stream().map(p -> Long.toString(p.pid())).toList() + ")");
        System.out.println();
        System.out.println("Try it (Kafka CLI tools or kafka-clients, only the bootstrap address changed):");
        System.out.println("  kafka-topics.sh --bootstrap-server " + bootstrap + " --create --topic peter-test01 --partitions 3"
                + " --replication-factor " + Math.min(brokers, 3));
        System.out.println("  kafka-topics.sh --bootstrap-server " + bootstrap + " --describe --topic peter-test01");
        System.out.println("  kafka-console-producer.sh --bootstrap-server " + bootstrap + " --topic peter-test01");
        System.out.println("  kafka-console-consumer.sh --bootstrap-server " + bootstrap + " --topic peter-test01 --partition 0 --from-beginning");
        System.out.println("  curl -s -X POST http://127.0.0.1:" + httpPort + "/v3/clusters/local/topics/peter-test01/records \\");
        System.out.println("       -H 'Content-Type: application/json' -d '{\"value\":{\"type\":\"STRING\",\"data\":\"hello\"}}'");
        System.out.println();
        System.out.println("Press Ctrl-C to stop.");
    }
}
