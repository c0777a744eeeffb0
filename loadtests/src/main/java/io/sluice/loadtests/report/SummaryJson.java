package io.sluice.loadtests.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes and reads a {@link LoadTestSummary} as indented JSON whose field names are the record components
 * (e.g. {@code produce.megabytesPerSecond}, {@code endToEndLatency.p99Ms}).
 */
public final class SummaryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    /**
     * @param summary the summary
     * @return it as JSON text
     */
    public static String toJson(LoadTestSummary summary) {
        try {
            return MAPPER.writeValueAsString(summary);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode summary", e);
        }
    }

    /**
     * Writes the summary to {@code file}, replacing it, through a temporary file in the same directory so a
     * reader never sees half a file.
     *
     * @param summary the summary
     * @param file where to write; its parent directories are created
     * @throws IOException if the file cannot be written
     */
    public static void write(LoadTestSummary summary, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, toJson(summary) + System.lineSeparator());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * @param file a file written by {@link #write}
     * @return the summary it holds
     * @throws IOException if it cannot be read or is not a summary
     */
    public static LoadTestSummary read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), LoadTestSummary.class);
    }
}
