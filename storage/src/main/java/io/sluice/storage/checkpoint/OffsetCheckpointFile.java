package io.sluice.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A log-dir level map from partition to offset in Kafka's format, used for
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and
 * {@code replication-offset-checkpoint} (high watermarks):
 *
 * <pre>
 * 0
 * 2
 * orders 0 1200
 * orders 1 987
 * </pre>
 *
 * Lines are {@code <topic> <partition> <offset>} separated by single spaces (topic names cannot contain spaces).
 * Written atomically. Thread-safe.
 */
public final class OffsetCheckpointFile {
    public static final int VERSION = 0;
    private final CheckpointFile<Map.Entry<TopicPartition, Long>> checkpoint;

    public OffsetCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, VERSION, new Format());
    }

    public Path file() {
        return checkpoint.file();
    }

    /** Atomically replaces the file with {@code offsets}, written sorted by topic and partition. */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<Map.Entry<TopicPartition, Long>> entries = offsets.entrySet().stream()
            .sorted(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                .thenComparingInt(e -> e.getKey().partition()))
            .toList();
        checkpoint.write(entries);
    }

    /**
     * Reads the offsets.
     *
     * @return partition → offset; empty if the file does not exist
     * @throws IOException if the file is malformed
     */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> entry : checkpoint.read()) {
            offsets.put(entry.getKey(), entry.getValue());
        }
        return offsets;
    }

    private static final class Format implements CheckpointFile.EntryFormat<Map.Entry<TopicPartition, Long>> {
        @Override
        public String toLine(Map.Entry<TopicPartition, Long> entry) {
            return entry.getKey().topic() + " " + entry.getKey().partition() + " " + entry.getValue();
        }

        @Override
        public Optional<Map.Entry<TopicPartition, Long>> fromLine(String line) {
            String[] parts = line.split("\\s+");
            if (parts.length != 3) {
                return Optional.empty();
            }
            try {
                TopicPartition tp = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
                return Optional.of(Map.entry(tp, Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
