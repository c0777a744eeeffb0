package io.sluice.storage.checkpoint;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The per-partition {@code partition.metadata} file of Kafka (KIP-516): records which topic ID the directory
 * belongs to, so a directory left over from a deleted topic of the same name is not mistaken for the new topic.
 *
 * <pre>
 * version: 0
 * topic_id: 5d0yq2eXQX2b1n0yN3rNgw
 * </pre>
 *
 * Written atomically.
 */
public final class PartitionMetadataFile {
    public static final String FILE_NAME = "partition.metadata";
    private static final int VERSION = 0;
    private final Path file;

    public PartitionMetadataFile(Path file) {
        this.file = file;
    }

    /** The metadata file of the partition directory {@code partitionDir}. */
    public static PartitionMetadataFile in(Path partitionDir) {
        return new PartitionMetadataFile(partitionDir.resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    public void write(Uuid topicId) throws IOException {
        AtomicFiles.write(file, "version: " + VERSION + "\ntopic_id: " + topicId + "\n");
    }

    /**
     * Reads the topic ID.
     *
     * @return the topic ID, or empty if the file does not exist
     * @throws IOException if the file is malformed or has an unknown version
     */
    public Optional<Uuid> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2) {
            throw new IOException("Malformed partition metadata file " + file + ": " + lines);
        }
        String version = valueOf(lines.get(0), "version");
        if (!String.valueOf(VERSION).equals(version)) {
            throw new IOException("Unrecognized version of partition metadata file " + file + ": " + version);
        }
        try {
            return Optional.of(Uuid.fromString(valueOf(lines.get(1), "topic_id")));
        } catch (IllegalArgumentException e) {
            throw new IOException("Malformed topic_id in partition metadata file " + file, e);
        }
    }

    /**
     * Writes {@code topicId} if the file is absent, or checks that it matches the stored one.
     *
     * @throws InconsistentTopicIdException if a different topic ID is stored (Kafka's INCONSISTENT_TOPIC_ID)
     */
    public void writeOrVerify(Uuid topicId) throws IOException {
        Optional<Uuid> stored = read();
        if (stored.isEmpty()) {
            write(topicId);
        } else if (!stored.get().equals(topicId)) {
            throw new InconsistentTopicIdException("Topic ID " + topicId + " does not match the topic ID "
                + stored.get() + " stored in " + file);
        }
    }

    private String valueOf(String line, String key) throws IOException {
        String prefix = key + ":";
        if (!line.startsWith(prefix)) {
            throw new IOException("Malformed line in partition metadata file " + file + ": '" + line + "'");
        }
        return line.substring(prefix.length()).trim();
    }
}
