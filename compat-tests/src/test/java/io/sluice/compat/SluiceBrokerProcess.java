package io.sluice.compat;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One Sluice broker running as a separate JVM ({@code io.sluice.broker.cli.SluiceCommand broker --config FILE}) on
 * the broker's own runtime class path ({@link BrokerRuntimeClasspath}), with node id {@value #NODE_ID}, a Kafka
 * listener and an HTTP listener on free loopback ports, and its log dir under the given directory.
 *
 * <p>Layout under the directory: {@code server.properties} (the config, Kafka's key names), {@code logs/}
 * ({@code log.dirs}: one {@code <topic>-<partition>} directory per partition, as in Kafka) and {@code broker.log}
 * (the process's stdout and stderr). {@link #start} returns once {@code GET /readyz} answers 200; {@link #close}
 * sends SIGTERM (a clean shutdown) and waits, then SIGKILL. A JVM shutdown hook kills a broker the test JVM leaves
 * behind.
 */
final class SluiceBrokerProcess implements AutoCloseable {
    /** The broker's {@code node.id}: Kafka's tools print it as the leader, replica and ISR member. */
    static final int NODE_ID = 1;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 60;

    private final Process process;
    private final Path directory;
    private final int kafkaPort;
    private final int nodeId;
    private final Thread killOnExit;

    private SluiceBrokerProcess(Process process, Path directory, int kafkaPort, int nodeId) {
        this.process = process;
        this.directory = directory;
        this.kafkaPort = kafkaPort;
        this.nodeId = nodeId;
        this.killOnExit = new Thread(process::destroyForcibly, "sluice-compat-broker-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Writes the broker's config and starts it, retrying with other ports when a port picked as free was taken
     * before the broker bound it.
     *
     * @param etcdEndpoint the etcd client URL ({@code etcd.endpoints})
     * @param namespace    an etcd key root no other broker or test uses ({@code etcd.namespace})
     * @param directory    an empty directory for the config, the log dir and {@code broker.log}
     * @return the running, ready broker
     * @throws IllegalStateException when the broker is not built, exits before it is ready, or is not ready within
     *                               60 s; the message carries the tail of {@code broker.log}
     */
    static SluiceBrokerProcess start(String etcdEndpoint, String namespace, Path directory) throws IOException {
        return start(etcdEndpoint, namespace, directory, NODE_ID);
    }

    /** As {@link #start(String, String, Path)}, as broker {@code nodeId} of a cluster sharing {@code namespace}. */
    static SluiceBrokerProcess start(String etcdEndpoint, String namespace, Path directory, int nodeId)
            throws IOException {
        return start(etcdEndpoint, namespace, directory, nodeId, Map.of());
    }

    /**
     * As {@link #start(String, String, Path, int)}, with {@code overrides} (Kafka's key names) added to the broker's
     * config, replacing the fixture's values for the same keys.
     */
    static SluiceBrokerProcess start(String etcdEndpoint, String namespace, Path directory, int nodeId,
                                     Map<String, String> overrides) throws IOException {
        String classpath = BrokerRuntimeClasspath.locate();
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int kafkaPort = freePort();
            int httpPort = freePort();
            Path config = writeConfig(directory, etcdEndpoint, namespace, kafkaPort, httpPort, nodeId, overrides);
            SluiceBrokerProcess broker = new SluiceBrokerProcess(launch(classpath, config, directory), directory,
                    kafkaPort, nodeId);
            try {
                broker.awaitReady(httpPort);
                return broker;
            } catch (IllegalStateException e) {
                broker.close();
                lastFailure = e;
                if (!broker.logTail().contains("BindException")) {
                    break;
                }
            }
        }
        throw lastFailure;
    }

    private static Path writeConfig(Path directory, String etcdEndpoint, String namespace, int kafkaPort,
                                    int httpPort, int nodeId, Map<String, String> overrides)
            throws IOException {
        Properties props = new Properties();
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("controller.lease.ttl.ms", "2000");
        props.setProperty("log.dirs", directory.resolve("logs").toString());
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
        props.setProperty("http.listeners", "http://127.0.0.1:" + httpPort);
        props.setProperty("etcd.endpoints", etcdEndpoint);
        props.setProperty("etcd.namespace", namespace);
        props.setProperty("broker.session.timeout.ms", "2000");
        props.putAll(overrides);
        Path config = directory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(writer, "Sluice broker for Kafka CLI compatibility tests");
        }
        return config;
    }

    private static Process launch(String classpath, Path config, Path directory) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ToolRunner.javaBinary());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(classpath);
        command.add("io.sluice.broker.cli.SluiceCommand");
        command.add("broker");
        command.add("--config");
        command.add(config.toAbsolutePath().toString());
        Path log = directory.resolve("broker.log");
        return new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private void awaitReady(int httpPort) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await("broker /readyz").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("exited with code " + process.exitValue());
                }
                try {
                    return client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            throw new IllegalStateException("The Sluice broker did not become ready (" + e.getMessage() + "); "
                    + describeLog(), e);
        }
    }

    /** The broker's {@code node.id}. */
    int nodeId() {
        return nodeId;
    }

    /** {@code 127.0.0.1:<port>}, the value for a Kafka tool's {@code --bootstrap-server}. */
    String bootstrapServer() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The broker's {@code log.dirs} directory, holding one {@code <topic>-<partition>} directory per partition. */
    Path logDir() {
        return directory.resolve("logs");
    }

    /** The process's combined stdout and stderr. */
    Path logFile() {
        return directory.resolve("broker.log");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last {@value #LOG_TAIL_LINES} lines of {@code broker.log} (empty if it does not exist yet). */
    String logTail() {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A paragraph naming the log file, with its tail, for failure messages. */
    String describeLog() {
        return "last lines of " + logFile() + (process.isAlive() ? "" : " (broker exited)") + ":\n" + logTail();
    }

    /**
     * Sends SIGTERM and returns at once, so that several brokers shut down together; {@link #close} then waits.
     */
    void beginStop() {
        process.destroy();
    }

    /** SIGTERM, wait up to 30 s for the clean shutdown, then SIGKILL. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook kills the process
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
