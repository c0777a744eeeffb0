package io.sluice.metadata.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the {@code etcd} executable: an explicit path, else the {@code SLUICE_ETCD_BINARY} environment variable, else
 * {@code etcd} on the {@code PATH}, else {@code /usr/bin/etcd} and {@code /usr/local/bin/etcd}.
 */
public final class EtcdBinary {

    /** Environment variable naming the etcd binary. */
    public static final String ENV_VARIABLE = "SLUICE_ETCD_BINARY";

    private static final List<Path> WELL_KNOWN = List.of(Path.of("/usr/bin/etcd"), Path.of("/usr/local/bin/etcd"));

    private EtcdBinary() {
    }

    /** The first executable etcd found, if any. */
    public static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String fromEnv = System.getenv(ENV_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            candidates.add(Path.of(fromEnv));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "etcd"));
                }
            }
        }
        candidates.addAll(WELL_KNOWN);
        return candidates.stream().filter(EtcdBinary::isExecutable).findFirst();
    }

    /**
     * The given binary if present, else {@link #find()}.
     *
     * @throws IllegalStateException naming the Debian package when nothing is found
     */
    public static Path require(Optional<Path> explicit) {
        if (explicit.isPresent()) {
            if (!isExecutable(explicit.get())) {
                throw new IllegalStateException("etcd binary " + explicit.get() + " does not exist or is not "
                    + "executable");
            }
            return explicit.get();
        }
        return find().orElseThrow(() -> new IllegalStateException(notFoundMessage()));
    }

    /** The message shown when etcd is missing. */
    public static String notFoundMessage() {
        return "No etcd binary found (looked at $" + ENV_VARIABLE + ", etcd on the PATH, " + WELL_KNOWN + "). "
            + "Install it, e.g. on Debian/Ubuntu: apt-get install etcd-server (Debian's package is etcd-server), or "
            + "set " + ENV_VARIABLE + " to its path.";
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
