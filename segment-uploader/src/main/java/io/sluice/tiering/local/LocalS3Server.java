package io.sluice.tiering.local;

import io.sluice.metadata.local.LocalServerProcess;

import io.sluice.tiering.objectstore.s3.S3Config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A local S3-compatible server: S3Proxy ({@code org.gaul:s3proxy}) run as a CHILD PROCESS from its
 * {@code jar-with-dependencies} (running it in-process would put Jetty 12 and Jackson 3 on the broker's classpath),
 * with its filesystem blob store, on {@code 127.0.0.1:<port>}. For the dev launcher ({@code ./sluice dev}) and tests.
 *
 * <p>Layout under the given directory: {@code s3proxy.properties} (written at start), {@code blobs/} (one directory
 * per bucket, one file per object) and {@code s3proxy.log} (the process's output, appended). Requests must be signed
 * (AWS signature v2 or v4) with the fixed local credentials {@link #ACCESS_KEY} / {@link #SECRET_KEY}; the region is
 * {@code us-east-1} and URLs are path-style. {@link #start()} returns once the server answers HTTP; {@link #close()}
 * stops the process it started (SIGTERM, then SIGKILL after 5 s), as does a JVM shutdown hook if the JVM exits first.
 *
 * <p>Not for production: no TLS, fixed credentials, no redundancy.
 */
public final class LocalS3Server implements AutoCloseable {

    /** The access key id S3Proxy accepts. */
    public static final String ACCESS_KEY = "sluice-local";
    /** The secret key S3Proxy accepts. */
    public static final String SECRET_KEY = "sluice-local-secret";
    /** The region clients sign for. */
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3Server.class);

    private final Builder settings;
    private final Path jar;
    private LocalServerProcess process;
    private int port;

    private LocalS3Server(Builder settings, Path jar) {
        this.settings = settings;
        this.jar = jar;
    }

    /** Settings for a server whose data and log go under {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Whether an S3Proxy jar can be found ({@link S3ProxyJar}). */
    public static boolean isAvailable() {
        return S3ProxyJar.find().isPresent();
    }

    private LocalS3Server start() throws IOException {
        Files.createDirectories(blobDir());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        process = LocalServerProcess.start("S3Proxy", logFile(), settings.port == 0, settings.startupTimeout, () -> {
            port = settings.port != 0 ? settings.port : LocalServerProcess.freePort();
            writeProperties();
            return command();
        }, () -> {
            // any HTTP answer means it is serving (an unsigned GET / is answered 403)
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2))
                .GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
        });
        LOG.info("S3Proxy (pid {}) is up at {}; blobs in {}, log {}", process.pid(), endpoint(), blobDir(), logFile());
        return this;
    }

    private void writeProperties() throws IOException {
        String properties = String.join("\n",
            "s3proxy.endpoint=" + endpoint(),
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem",
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            "jclouds.filesystem.basedir=" + blobDir().toAbsolutePath(),
            "");
        Files.writeString(propertiesFile(), properties, StandardCharsets.UTF_8);
    }

    private List<String> command() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-Xmx" + settings.maxHeapMb + "m", "-XX:+UseSerialGC", "-jar", jar.toString(),
            "--properties", propertiesFile().toString());
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:9000}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * A client configuration for {@code bucket} on this server: endpoint override, path-style, the local static
     * credentials, region {@value #REGION}, and the bucket created on {@code S3ObjectStore.open}.
     */
    public S3Config.Builder s3Config(String bucket) {
        return S3Config.builder(bucket)
            .endpoint(URI.create(endpoint()))
            .region(REGION)
            .pathStyle(true)
            .staticCredentials(ACCESS_KEY, SECRET_KEY)
            .createBucketIfMissing(true);
    }

    /** Where the filesystem blob store keeps buckets and objects. */
    public Path blobDir() {
        return settings.directory.resolve("blobs");
    }

    /** The file receiving S3Proxy's output. */
    public Path logFile() {
        return settings.directory.resolve("s3proxy.log");
    }

    private Path propertiesFile() {
        return settings.directory.resolve("s3proxy.properties");
    }

    /** The process id, for diagnostics. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the process (SIGTERM, then SIGKILL after 5 s). Idempotent. The blobs are kept, so a server started again
     * on the same directory serves the same objects.
     */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
            process = null;
            LOG.info("S3Proxy at {} stopped", endpoint());
        }
    }

    /** Settings of a {@link LocalS3Server}. */
    public static final class Builder {
        private final Path directory;
        private Optional<Path> jar = Optional.empty();
        private int port;
        private int maxHeapMb = 512;
        private Duration startupTimeout = Duration.ofSeconds(30);

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The S3Proxy jar-with-dependencies; default: found by {@link S3ProxyJar#find()}. */
        public Builder jar(Path value) {
            this.jar = Optional.of(value);
            return this;
        }

        /** The port on 127.0.0.1; 0 (default) picks a free one. The dev launcher uses 9000. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** The child JVM's heap limit in MiB (default 512). */
        public Builder maxHeapMb(int value) {
            this.maxHeapMb = value;
            return this;
        }

        /** How long {@code start} waits for the server to answer (default 30 s). */
        public Builder startupTimeout(Duration value) {
            this.startupTimeout = value;
            return this;
        }

        /**
         * Starts S3Proxy and waits until it answers.
         *
         * @throws IllegalStateException if no jar is found (the message says how to get it), or the server exits or
         *         does not answer in time (the message includes the end of {@code s3proxy.log})
         * @throws UncheckedIOException if the directory or the process cannot be created
         */
        public LocalS3Server start() {
            LocalS3Server server = new LocalS3Server(this, S3ProxyJar.require(jar));
            try {
                return server.start();
            } catch (IOException e) {
                server.close();
                throw new UncheckedIOException("cannot start S3Proxy in " + directory, e);
            }
        }
    }
}
