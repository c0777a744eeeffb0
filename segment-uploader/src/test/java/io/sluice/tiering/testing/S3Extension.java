package io.sluice.tiering.testing;

import io.sluice.tiering.local.LocalS3Server;
import io.sluice.tiering.local.S3ProxyJar;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Gives tests a real S3-compatible server over HTTP: {@code @ExtendWith(S3Extension.class)} and take an
 * {@link S3TestEnv} parameter (constructor, {@code @BeforeAll}/{@code @BeforeEach} or test method).
 *
 * <ul>
 *   <li>By default (or {@code @S3Backend(S3PROXY)}): ONE local S3Proxy child process per test JVM
 *       ({@link LocalS3Server}), started on first use, stopped and its directory deleted by a shutdown hook. Without
 *       its jar the tests are skipped with a hint (they fail instead when the environment variable {@code CI} is
 *       set).</li>
 *   <li>{@code @S3Backend(MINIO)}: ONE MinIO container per test JVM through Testcontainers, only when a Docker engine
 *       answers; without Docker the tests are skipped cleanly (an assumption), never failed.</li>
 * </ul>
 * Each test class gets its own bucket.
 */
public final class S3Extension implements BeforeAllCallback, ParameterResolver {

    private static final AtomicInteger CLASSES = new AtomicInteger();
    private static SharedS3Proxy s3proxy;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint(kind(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3TestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        S3Backend.Kind kind = kind(context);
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(
            S3Extension.class, kind));
        return store.getOrComputeIfAbsent(testClass, key -> {
            String bucket = bucketName(testClass.getSimpleName() + "-" + CLASSES.incrementAndGet());
            return endpoint(kind).forBucket(bucket);
        }, S3TestEnv.class);
    }

    private static S3Backend.Kind kind(ExtensionContext context) {
        S3Backend annotation = context.getRequiredTestClass().getAnnotation(S3Backend.class);
        return annotation == null ? S3Backend.Kind.S3PROXY : annotation.value();
    }

    /** A valid S3 bucket name: lowercase letters, digits and dashes, 3 to 63 characters. */
    static String bucketName(String raw) {
        String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > 63) {
            name = name.substring(name.length() - 63);
        }
        return name.replaceAll("^-+", "x");
    }

    /** A started server of {@code kind}. */
    interface Endpoint {
        S3TestEnv forBucket(String bucket);
    }

    private static Endpoint endpoint(S3Backend.Kind kind) {
        return kind == S3Backend.Kind.MINIO ? MinioContainerHolder.endpoint() : s3proxy();
    }

    private static Endpoint s3proxy() {
        if (!LocalS3Server.isAvailable()) {
            if (System.getenv("CI") != null) {
                throw new ExtensionConfigurationException("CI is set and S3Proxy is required: "
                    + S3ProxyJar.notFoundMessage());
            }
            Assumptions.abort("Skipping S3 tests: " + S3ProxyJar.notFoundMessage());
        }
        synchronized (S3Extension.class) {
            if (s3proxy == null) {
                SharedS3Proxy started = SharedS3Proxy.start();
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "sluice-test-s3proxy-stop"));
                s3proxy = started;
            }
            return s3proxy;
        }
    }

    /** The JVM-wide S3Proxy process and its temporary directory. */
    private static final class SharedS3Proxy implements Endpoint, AutoCloseable {
        private final LocalS3Server server;
        private final Path directory;

        private SharedS3Proxy(LocalS3Server server, Path directory) {
            this.server = server;
            this.directory = directory;
        }

        static SharedS3Proxy start() {
            try {
                Path directory = Files.createTempDirectory("sluice-test-s3proxy-");
                return new SharedS3Proxy(LocalS3Server.builder(directory).maxHeapMb(384).start(), directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public S3TestEnv forBucket(String bucket) {
            return new S3TestEnv("s3proxy", server.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY,
                bucket);
        }

        @Override
        public void close() {
            server.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: it is a temporary directory
            }
        }
    }
}
