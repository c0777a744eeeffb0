package io.sluice.broker.testing;

import io.sluice.broker.cli.BrokerProcess;

import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/**
 * A broker in its own JVM process, so a test can {@code kill -9} it and start it again on the same data, ports
 * and etcd namespace. Its output goes to {@code broker.log} in its directory.
 */
public final class ExternalBroker implements AutoCloseable {
    private final Path dir;
    private final Path configFile;
    private final int kafkaPort;
    private final int httpPort;
    private BrokerProcess process;

    private ExternalBroker(Path dir, Path configFile, int kafkaPort, int httpPort) {
        this.dir = dir;
        this.configFile = configFile;
        this.kafkaPort = kafkaPort;
        this.httpPort = httpPort;
    }

    /**
     * Writes the broker's config (free ports picked now and kept across restarts) and starts it.
     *
     * @param overrides settings on top of {@link TestBroker#baseSettings}
     */
    public static ExternalBroker start(String etcdEndpoint, String namespace, Path dir, Map<String, String> overrides)
            throws IOException {
        Files.createDirectories(dir);
        int kafkaPort = freePort();
        int httpPort = freePort();
        Properties props = new Properties();
        props.putAll(TestBroker.baseSettings(etcdEndpoint, namespace, dir));
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
        props.setProperty("http.listeners", "http://127.0.0.1:" + httpPort);
        props.putAll(overrides);
        Path configFile = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(configFile)) {
            props.store(writer, null);
        }
        ExternalBroker broker = new ExternalBroker(dir, configFile, kafkaPort, httpPort);
        broker.startProcess();
        return broker;
    }

    /** Starts the process (again) and waits until {@code /readyz} answers 200. */
    public void startProcess() throws IOException {
        process = BrokerProcess.start(configFile, dir.resolve("broker.log"), List.of("-Xmx512m", "-XX:+UseSerialGC"));
        awaitReady();
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.process().exitValue()
                        + "; see " + dir.resolve("broker.log"));
            }
            try {
                return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or checkpointed. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public long pid() {
        return process.pid();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
