package io.sluice.storage.checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Kafka's checkpoint text format (Kafka's {@code CheckpointFile}): line 1 the format version, line 2 the number
 * of entries, then one entry per line. Written atomically (see {@link AtomicFiles}).
 *
 * <pre>
 * 0
 * 2
 * entry line
 * entry line
 * </pre>
 *
 * <p>Thread-safe: reads and writes of one file are serialized.
 *
 * @param <T> the entry type
 */
public final class CheckpointFile<T> {
    /** Turns an entry into one line and back. */
    public interface EntryFormat<T> {
        String toLine(T entry);

        /** The entry of {@code line}, or empty if the line is malformed. */
        Optional<T> fromLine(String line);
    }

    private final Path file;
    private final int version;
    private final EntryFormat<T> format;
    private final Object lock = new Object();

    public CheckpointFile(Path file, int version, EntryFormat<T> format) {
        this.file = file;
        this.version = version;
        this.format = format;
    }

    public Path file() {
        return file;
    }

    /** Atomically replaces the file with {@code entries}. */
    public void write(Collection<T> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(version).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(format.toLine(entry)).append('\n');
        }
        synchronized (lock) {
            AtomicFiles.write(file, text.toString());
        }
    }

    /**
     * Reads every entry.
     *
     * @return the entries, or an empty list if the file does not exist
     * @throws IOException on an unknown version, a malformed line or a wrong entry count
     */
    public List<T> read() throws IOException {
        synchronized (lock) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int fileVersion = parseInt(reader.readLine(), "version");
                if (fileVersion != version) {
                    throw new IOException("Unrecognized version of the checkpoint file " + file + ": " + fileVersion
                        + ", expected " + version);
                }
                int expected = parseInt(reader.readLine(), "entry count");
                List<T> entries = new ArrayList<>(Math.max(0, expected));
                String line;
                while ((line = reader.readLine()) != null) {
                    String current = line;
                    entries.add(format.fromLine(line).orElseThrow(
                        () -> new IOException("Malformed line in checkpoint file " + file + ": '" + current + "'")));
                }
                if (entries.size() != expected) {
                    throw new IOException("Expected " + expected + " entries in checkpoint file " + file
                        + ", but found " + entries.size());
                }
                return entries;
            } catch (NoSuchFileException e) {
                return new ArrayList<>();
            }
        }
    }

    private int parseInt(String line, String what) throws IOException {
        if (line == null) {
            throw new IOException("Checkpoint file " + file + " ends before its " + what);
        }
        try {
            return Integer.parseInt(line.trim());
        } catch (NumberFormatException e) {
            throw new IOException("Malformed " + what + " line in checkpoint file " + file + ": '" + line + "'", e);
        }
    }
}
