package io.sluice.compat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class path a Sluice broker process runs with: the broker module's own runtime class path as the reactor builds
 * it, {@code <repo>/frontend-node/target/classes} plus every jar in {@code <repo>/frontend-node/target/lib} (copied
 * there by {@code maven-dependency-plugin:copy-dependencies} in frontend-node's {@code package} phase), the same
 * class path {@code ./sluice} uses. It is deliberately NOT this module's test class path, which carries Kafka's
 * server and tool jars.
 */
final class BrokerRuntimeClasspath {
    private static final String BROKER_MODULE = "frontend-node";
    private static final String MAIN_CLASS_FILE = "io/sluice/broker/cli/SluiceCommand.class";

    private BrokerRuntimeClasspath() {
    }

    /**
     * Finds the repository root from {@code basedir} (set by Maven Surefire to this module's directory) or else
     * {@code user.dir}, and returns the broker's class path in {@code java -cp} syntax (a {@code dir/*} wildcard for
     * the jars).
     *
     * @throws IllegalStateException when no enclosing directory holds {@code frontend-node/pom.xml}, or when the
     *                               broker was not built (no {@code target/lib} or no compiled {@code SluiceCommand});
     *                               the message says which Maven command builds it
     */
    static String locate() {
        return locate(Path.of(System.getProperty("basedir", System.getProperty("user.dir"))));
    }

    /**
     * As {@link #locate()}, searching upwards from {@code start}.
     *
     * @throws IllegalStateException as {@link #locate()}
     */
    static String locate(Path start) {
        Path brokerModule = findBrokerModule(start.toAbsolutePath());
        Path classes = brokerModule.resolve("target").resolve("classes");
        Path lib = brokerModule.resolve("target").resolve("lib");
        if (!Files.isDirectory(lib) || !Files.isRegularFile(classes.resolve(MAIN_CLASS_FILE))) {
            throw new IllegalStateException("The Sluice broker is not built: " + lib + " or "
                    + classes.resolve(MAIN_CLASS_FILE) + " is missing. Run `mvn -B install -DskipTests -pl "
                    + "metadata,storage,frontend-node` in " + brokerModule.getParent() + " first (or build the whole "
                    + "reactor with `mvn -B install`).");
        }
        return classes + File.pathSeparator + lib.resolve("*");
    }

    private static Path findBrokerModule(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(BROKER_MODULE);
            if (Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find the Sluice repository root (a directory holding "
                + BROKER_MODULE + "/pom.xml) at or above " + start + "; run the tests from the repository with "
                + "`mvn -B -pl compat-tests test`.");
    }
}
