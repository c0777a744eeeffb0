package io.sluice.tiering.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds S3Proxy's {@code jar-with-dependencies} ({@code org.gaul:s3proxy:4.1.0}): the environment variable
 * {@value #ENV_VARIABLE}; else {@code segment-uploader/target/s3proxy/s3proxy.jar} (copied there by this module's
 * {@code mvn install}, at {@code generate-resources}) looked up from the working directory and its parents; else the
 * local Maven repository ({@code ~/.m2/repository/org/gaul/s3proxy/4.1.0/}).
 */
public final class S3ProxyJar {

    /** Environment variable naming the jar. */
    public static final String ENV_VARIABLE = "SLUICE_S3PROXY_JAR";
    /** The S3Proxy version this module copies. */
    public static final String VERSION = "4.1.0";

    private static final Path IN_MODULE = Path.of("target", "s3proxy", "s3proxy.jar");
    private static final Path IN_REPO = Path.of("segment-uploader").resolve(IN_MODULE);

    private S3ProxyJar() {
    }

    /** The first jar found, if any. */
    public static Optional<Path> find() {
        return candidates().stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * The given jar if present, else {@link #find()}.
     *
     * @throws IllegalStateException with {@link #notFoundMessage()} when nothing is found, or if the given jar is
     *         missing
     */
    public static Path require(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            if (!Files.isRegularFile(explicit.get())) {
                throw new IllegalStateException("S3Proxy jar " + explicit.get() + " does not exist");
            }
            return explicit.get();
        }
        return find().orElseThrow(() -> new IllegalStateException(notFoundMessage()));
    }

    /** What to do when no jar is found. */
    public static String notFoundMessage() {
        return "No S3Proxy jar found (looked at " + candidates() + "). Build this module once "
            + "(mvn -pl segment-uploader install copies it to segment-uploader/" + IN_MODULE + ") or set "
            + ENV_VARIABLE + " to the path of org.gaul:s3proxy:" + VERSION + ":jar:jar-with-dependencies.";
    }

    private static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        String env = System.getenv(ENV_VARIABLE);
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env));
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            out.add(d.resolve(IN_REPO));
            if (d.getFileName() != null && d.getFileName().toString().equals("segment-uploader")) {
                out.add(d.resolve(IN_MODULE));
            }
        }
        out.add(Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy", VERSION,
            "s3proxy-" + VERSION + "-jar-with-dependencies.jar"));
        return out;
    }
}
