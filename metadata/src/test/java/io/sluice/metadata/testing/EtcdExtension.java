package io.sluice.metadata.testing;

import io.sluice.metadata.local.EtcdBinary;
import io.sluice.metadata.local.LocalEtcd;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Gives tests a real etcd: ONE etcd process per test JVM, started lazily on first use with fast settings
 * ({@code --heartbeat-interval 10 --election-timeout 100 --unsafe-no-fsync}, so lease TTLs of 1 s hold), stopped
 * and its temporary directory deleted by a JVM shutdown hook (Surefire may run each test class in its own JUnit
 * launcher session, so the root context store would restart it per class). Each test class gets its own namespace.
 *
 * <p>Use {@code @ExtendWith(EtcdExtension.class)} and take an {@link EtcdTestEnv} parameter (constructor,
 * {@code @BeforeAll}/{@code @BeforeEach} or test method). Without an etcd binary the tests are skipped with a hint to
 * {@code apt-get install etcd-server}; when the environment variable {@code CI} is set they fail instead.
 */
public final class EtcdExtension implements BeforeAllCallback, ParameterResolver {

    private static final AtomicInteger CLASSES = new AtomicInteger();
    private static SharedEtcd shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EtcdTestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SharedEtcd etcd = shared();
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(
            EtcdExtension.class));
        return store.getOrComputeIfAbsent(testClass, key -> new EtcdTestEnv(etcd.etcd.endpoint(),
            "/sluice-test/" + testClass.getSimpleName() + "-" + CLASSES.incrementAndGet()), EtcdTestEnv.class);
    }

    /** The JVM-wide etcd, started on first call; skips or fails when no etcd binary exists. */
    private static SharedEtcd shared() {
        if (!LocalEtcd.isAvailable()) {
            String message = EtcdBinary.notFoundMessage() + " (apt-get install etcd-server)";
            if (System.getenv("CI") != null) {
                throw new ExtensionConfigurationException("CI is set and etcd is required: " + message);
            }
            Assumptions.abort("Skipping etcd tests: " + message);
        }
        synchronized (EtcdExtension.class) {
            if (shared == null) {
                SharedEtcd started = SharedEtcd.start();
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "sluice-test-etcd-stop"));
                shared = started;
            }
            return shared;
        }
    }

    /** The etcd process and its temporary directory. */
    static final class SharedEtcd implements AutoCloseable {
        private final LocalEtcd etcd;
        private final Path directory;

        private SharedEtcd(LocalEtcd etcd, Path directory) {
            this.etcd = etcd;
            this.directory = directory;
        }

        static SharedEtcd start() {
            try {
                Path directory = Files.createTempDirectory("sluice-test-etcd-");
                LocalEtcd etcd = LocalEtcd.builder(directory)
                    .name("sluice-test")
                    .unsafeNoFsync(true)
                    .heartbeatIntervalMs(10)
                    .electionTimeoutMs(100)
                    .start();
                return new SharedEtcd(etcd, directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            etcd.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: it is a temporary directory
            }
        }
    }
}
