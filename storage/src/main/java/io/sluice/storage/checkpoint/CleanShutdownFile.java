package io.sluice.storage.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kafka's clean-shutdown marker {@code .kafka_cleanshutdown} in a log dir. Written last by a clean shutdown
 * (after every log was flushed and the checkpoints written) and deleted once the logs are loaded at startup; if it
 * is missing at startup the broker did not stop cleanly and logs are recovered from their recovery points.
 * Content as Kafka's (KIP-966): {@code {"version":0,"brokerEpoch":<epoch>}}; only its presence matters here.
 */
public final class CleanShutdownFile {
    public static final String FILE_NAME = ".kafka_cleanshutdown";
    private final Path file;

    public CleanShutdownFile(Path logDir) {
        this.file = logDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** Writes the marker durably. */
    public void write(long brokerEpoch) throws IOException {
        AtomicFiles.write(file, "{\"version\":0,\"brokerEpoch\":" + brokerEpoch + "}");
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
        AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    }
}
