package io.sluice.storage.epoch;

import io.sluice.storage.checkpoint.CheckpointFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The per-partition {@code leader-epoch-checkpoint} file in Kafka's format: version {@code 0}, the entry count,
 * then one {@code <epoch> <startOffset>} line per leader epoch, in increasing order:
 *
 * <pre>
 * 0
 * 2
 * 0 0
 * 3 1500
 * </pre>
 *
 * Written atomically. Thread-safe.
 */
public final class LeaderEpochCheckpointFile {
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    public static final int VERSION = 0;
    private final CheckpointFile<EpochEntry> checkpoint;

    public LeaderEpochCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, VERSION, new Format());
    }

    /** The checkpoint file of the partition directory {@code partitionDir}. */
    public static LeaderEpochCheckpointFile in(Path partitionDir) {
        return new LeaderEpochCheckpointFile(partitionDir.resolve(FILE_NAME));
    }

    public Path file() {
        return checkpoint.file();
    }

    public void write(Collection<EpochEntry> entries) throws IOException {
        checkpoint.write(entries);
    }

    /** The entries; empty if the file does not exist. */
    public List<EpochEntry> read() throws IOException {
        return checkpoint.read();
    }

    private static final class Format implements CheckpointFile.EntryFormat<EpochEntry> {
        @Override
        public String toLine(EpochEntry entry) {
            return entry.epoch() + " " + entry.startOffset();
        }

        @Override
        public Optional<EpochEntry> fromLine(String line) {
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                return Optional.empty();
            }
            try {
                return Optional.of(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
