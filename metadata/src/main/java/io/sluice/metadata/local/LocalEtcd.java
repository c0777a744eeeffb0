package io.sluice.metadata.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A single-node etcd child process on 127.0.0.1, for the dev launcher ({@code ./sluice dev}) and tests.
 *
 * <p>Layout under the given directory: {@code etcd-data/} (etcd's {@code --data-dir}) and {@code etcd.log} (the
 * process's stdout and stderr, appended). Ports are the given ones, or free ones picked at start (retried on a bind
 * race). {@link #start()} returns once {@code GET /health} answers {@code "health":"true"}. {@link #close()} stops
 * the process it started (SIGTERM, then SIGKILL after 5 s); a JVM shutdown hook does the same if the JVM exits first.
 *
 * <p>Not for production: {@code --unsafe-no-fsync} loses data on a crash, and a single node has no redundancy.
 */
public final class LocalEtcd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalEtcd.class);

    private final Builder settings;
    private final Path binary;
    private LocalServerProcess process;
    private int clientPort;
    private int peerPort;

    private LocalEtcd(Builder settings, Path binary) {
        this.settings = settings;
        this.binary = binary;
    }

    /** Settings for an etcd whose data and log go under {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Whether an etcd binary can be found (see {@link EtcdBinary}). */
    public static boolean isAvailable() {
        return EtcdBinary.find().isPresent();
    }

    /**
     * Starts the process and waits until it is healthy.
     *
     * @throws IllegalStateException if etcd exits, or is not healthy within the startup timeout (the message includes
     *         the end of {@code etcd.log})
     * @throws IOException if the directory cannot be created or the process not started
     */
    private LocalEtcd start() throws IOException {
        Files.createDirectories(settings.directory);
        boolean pickPorts = settings.clientPort == 0 || settings.peerPort == 0;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        process = LocalServerProcess.start("etcd", logFile(), pickPorts, settings.startupTimeout, () -> {
            clientPort = settings.clientPort != 0 ? settings.clientPort : LocalServerProcess.freePort();
            peerPort = settings.peerPort != 0 ? settings.peerPort : LocalServerProcess.freePort();
            return command();
        }, () -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        });
        LOG.info("etcd (pid {}) is healthy at {}; data {}, log {}", process.pid(), endpoint(), dataDir(), logFile());
        return this;
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
            "--name", settings.name,
            "--data-dir", dataDir().toString(),
            "--listen-client-urls", endpoint(),
            "--advertise-client-urls", endpoint(),
            "--listen-peer-urls", peerUrl(),
            "--initial-advertise-peer-urls", peerUrl(),
            "--initial-cluster", settings.name + "=" + peerUrl(),
            "--logger", "zap",
            "--log-outputs", "stderr"));
        if (settings.unsafeNoFsync) {
            command.add("--unsafe-no-fsync");
        }
        settings.heartbeatIntervalMs.ifPresent(ms -> command.addAll(List.of("--heartbeat-interval", ms.toString())));
        settings.electionTimeoutMs.ifPresent(ms -> command.addAll(List.of("--election-timeout", ms.toString())));
        command.addAll(settings.extraArgs);
        return command;
    }

    /** The client URL, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public int peerPort() {
        return peerPort;
    }

    private String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** etcd's {@code --data-dir}. */
    public Path dataDir() {
        return settings.directory.resolve("etcd-data");
    }

    /** The file receiving etcd's output. */
    public Path logFile() {
        return settings.directory.resolve("etcd.log");
    }

    /** The process id, for diagnostics. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s). Idempotent. The data directory is kept. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
            process = null;
            LOG.info("etcd at {} stopped", endpoint());
        }
    }

    /** Settings of a {@link LocalEtcd}. */
    public static final class Builder {
        private final Path directory;
        private Optional<Path> binary = Optional.empty();
        private String name = "sluice-dev";
        private int clientPort;
        private int peerPort;
        private boolean unsafeNoFsync;
        private Optional<Integer> heartbeatIntervalMs = Optional.empty();
        private Optional<Integer> electionTimeoutMs = Optional.empty();
        private Duration startupTimeout = Duration.ofSeconds(20);
        private final List<String> extraArgs = new ArrayList<>();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The etcd binary; default: found by {@link EtcdBinary#find()}. */
        public Builder binary(Path value) {
            this.binary = Optional.of(value);
            return this;
        }

        /** The member name (default {@code sluice-dev}). */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** The client port; 0 (default) picks a free one. */
        public Builder clientPort(int value) {
            this.clientPort = value;
            return this;
        }

        /** The peer port; 0 (default) picks a free one. */
        public Builder peerPort(int value) {
            this.peerPort = value;
            return this;
        }

        /** Skip fsync (tests only: a crash loses data). */
        public Builder unsafeNoFsync(boolean value) {
            this.unsafeNoFsync = value;
            return this;
        }

        /** Raft heartbeat interval (etcd default 100 ms); small values make leases and elections fast in tests. */
        public Builder heartbeatIntervalMs(int value) {
            this.heartbeatIntervalMs = Optional.of(value);
            return this;
        }

        /** Raft election timeout (etcd default 1000 ms); the minimum lease TTL is about 1.5 times this. */
        public Builder electionTimeoutMs(int value) {
            this.electionTimeoutMs = Optional.of(value);
            return this;
        }

        /** How long {@code start} waits for health (default 20 s). */
        public Builder startupTimeout(Duration value) {
            this.startupTimeout = value;
            return this;
        }

        /** Extra etcd command-line arguments. */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(List.of(args));
            return this;
        }

        /**
         * Starts etcd and waits until it is healthy.
         *
         * @throws IllegalStateException if no etcd binary exists (the message names Debian's {@code etcd-server}
         *         package), or etcd does not become healthy
         * @throws UncheckedIOException if the directory or the process cannot be created
         */
        public LocalEtcd start() {
            LocalEtcd etcd = new LocalEtcd(this, EtcdBinary.require(binary));
            try {
                return etcd.start();
            } catch (IOException e) {
                etcd.close();
                throw new UncheckedIOException("cannot start etcd in " + directory, e);
            }
        }
    }
}
