package io.sluice.broker.cluster;

import io.sluice.broker.cli.BrokerProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One broker of a {@link SluiceCluster}: a child JVM running {@code sluice broker --config server.properties}.
 *
 * <p>Layout under its directory: {@code server.properties} (written once), {@code logs/} (the broker's
 * {@code log.dirs}) and {@code broker.log} (its stdout and stderr, appended across restarts). The Kafka and HTTP
 * ports are picked when the node is created and kept across restarts, so clients' bootstrap lists stay valid.
 *
 * <p>Signals go only to the process this node started: {@link #kill()} SIGKILL, {@link #pause()} SIGSTOP,
 * {@link #resume()} SIGCONT, {@link #stop()} SIGTERM (a clean shutdown that deregisters from etcd).
 *
 * <p>Not thread-safe: one test thread drives a node.
 */
public final class ClusterNode {
    /** Where a node's process is. */
    public enum State {
        /** Never started, or exited (killed, stopped or crashed). */
        DOWN,
        /** Running (it may still be starting up). */
        RUNNING,
        /** Frozen with SIGSTOP. */
        PAUSED
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private final int nodeId;
    private final Path dir;
    private final Path configFile;
    private final int kafkaPort;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private BrokerProcess process;
    private State state = State.DOWN;

    private ClusterNode(int nodeId, Path dir, int kafkaPort, int httpPort) {
        this.nodeId = nodeId;
        this.dir = dir;
        this.configFile = dir.resolve("server.properties");
        this.kafkaPort = kafkaPort;
        this.httpPort = httpPort;
    }

    /**
     * Picks the ports and writes {@code server.properties}; does not start the process.
     *
     * @param settings broker settings (Kafka names); {@code node.id}, {@code log.dirs}, {@code listeners} and
     *                 {@code http.listeners} are set here
     */
    static ClusterNode create(int nodeId, Path dir, Map<String, String> settings) throws IOException {
        Files.createDirectories(dir);
        ClusterNode node = new ClusterNode(nodeId, dir, freePort(), freePort());
        Properties props = new Properties();
        props.putAll(settings);
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("log.dirs", node.logDir().toString());
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + node.kafkaPort);
        props.setProperty("http.listeners", "http://127.0.0.1:" + node.httpPort);
        try (Writer writer = Files.newBufferedWriter(node.configFile)) {
            props.store(writer, "broker " + nodeId + " of a SluiceCluster test fixture");
        }
        return node;
    }

    /** Starts the process without waiting for it to be ready. @throws IllegalStateException if it is running */
    void launch() throws IOException {
        if (state != State.DOWN) {
            throw new IllegalStateException("broker " + nodeId + " is " + state);
        }
        appendMarker("starting broker " + nodeId);
        process = BrokerProcess.start(configFile, logFile(), JVM_OPTIONS);
        state = State.RUNNING;
    }

    /**
     * Waits until the broker answers {@code GET /readyz} with 200 (registered in etcd and serving).
     *
     * @throws IllegalStateException with the tail of {@code broker.log} if the process exits or is not ready in time
     */
    void awaitReady() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await("broker " + nodeId + " ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsMatching(e -> e instanceof IOException)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("broker " + nodeId + " exited with "
                                    + process.process().exitValue());
                        }
                        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    });
        } catch (RuntimeException e) {
            throw new IllegalStateException("broker " + nodeId + " did not become ready: " + e.getMessage()
                    + "\n--- tail of " + logFile() + " ---\n" + logTail(60), e);
        }
    }

    /** SIGKILL (also works on a paused process): nothing is flushed, the etcd lease is left to expire. */
    public void kill() throws InterruptedException {
        requireStarted();
        appendMarker("SIGKILL broker " + nodeId);
        process.kill();
        state = State.DOWN;
    }

    /**
     * SIGSTOP: the process freezes (no etcd keep-alives, no replies, sockets stay open). Returns once the kernel
     * reports the process stopped.
     */
    public void pause() throws IOException, InterruptedException {
        requireRunning();
        signal("STOP");
        await("broker " + nodeId + " stopped by SIGSTOP").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10)).until(() -> processState() == 'T');
        state = State.PAUSED;
    }

    /** SIGCONT: a paused process carries on where it was frozen. */
    public void resume() throws IOException, InterruptedException {
        if (state != State.PAUSED) {
            throw new IllegalStateException("broker " + nodeId + " is " + state + ", not paused");
        }
        signal("CONT");
        await("broker " + nodeId + " resumed by SIGCONT").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10)).until(() -> processState() != 'T');
        state = State.RUNNING;
    }

    /**
     * SIGTERM and wait for a clean shutdown (the broker deregisters from etcd and flushes its logs); SIGKILL after
     * 20 s. A paused broker is resumed first. Does nothing if the node is down.
     */
    public void stop() throws IOException, InterruptedException {
        if (state == State.DOWN) {
            return;
        }
        if (state == State.PAUSED) {
            resume();
        }
        appendMarker("SIGTERM broker " + nodeId);
        process.stop(STOP_TIMEOUT.toMillis());
        state = State.DOWN;
    }

    /** Starts a node that is down and waits until it is ready. */
    public void start() throws IOException {
        launch();
        awaitReady();
    }

    public int nodeId() {
        return nodeId;
    }

    public State state() {
        return state;
    }

    /** Whether the process exists (running or paused). */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id of the current (or last) process. @throws IllegalStateException if never started */
    public long pid() {
        requireStarted();
        return process.pid();
    }

    /** {@code 127.0.0.1:<kafka port>}. */
    public String bootstrapServer() {
        return "127.0.0.1:" + kafkaPort;
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The node's directory (config, log dir, output). */
    public Path dir() {
        return dir;
    }

    /** The broker's {@code log.dirs}: one directory per hosted partition, {@code <topic>-<partition>}. */
    public Path logDir() {
        return dir.resolve("logs");
    }

    /** The broker process's stdout and stderr. */
    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** The last {@code lines} lines of {@link #logFile()} (empty if it does not exist). */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile() + ": " + e + ")";
        }
    }

    /** Kills the process if it is alive, without waiting; for JVM shutdown hooks. */
    void destroyForcibly() {
        if (process != null && process.isAlive()) {
            process.process().destroyForcibly();
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        appendMarker("SIG" + name + " broker " + nodeId);
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The state letter of {@code /proc/<pid>/stat} (R, S, D, T, Z, ...); 'X' when the process is gone. */
    private char processState() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return 'X';
        }
    }

    /** A line in {@code broker.log} so the output shows where the test intervened. */
    private void appendMarker(String text) {
        try {
            Files.writeString(logFile(), "===== [test fixture " + java.time.Instant.now() + "] " + text + " =====\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the marker is only a help for reading the log
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("broker " + nodeId + " was never started");
        }
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("broker " + nodeId + " is " + state + ", not running");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "broker " + nodeId + " (" + state + (process == null ? "" : ", pid " + process.pid()) + ", kafka "
                + kafkaPort + ", http " + httpPort + ")";
    }
}
