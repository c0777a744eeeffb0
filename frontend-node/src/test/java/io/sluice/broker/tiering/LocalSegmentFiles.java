package io.sluice.broker.tiering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A partition directory's segment files as they are on disk ({@code <20-digit base offset>.log}), read without the
 * broker: what an operator would look at. Files renamed by retention ({@code .log.deleted}) do not count. A listing
 * is a snapshot; files may be renamed right after it.
 */
public final class LocalSegmentFiles {
    private LocalSegmentFiles() {
    }

    /** The base offsets of the {@code .log} files in {@code partitionDir}, ascending; empty if it does not exist. */
    public static List<Long> baseOffsets(Path partitionDir) {
        List<Long> bases = new ArrayList<>();
        for (Path file : logFiles(partitionDir)) {
            String name = file.getFileName().toString();
            bases.add(Long.parseLong(name.substring(0, name.length() - ".log".length())));
        }
        bases.sort(null);
        return bases;
    }

    /** The total size in bytes of the {@code .log} files in {@code partitionDir} (files gone meanwhile count 0). */
    public static long logBytes(Path partitionDir) {
        long total = 0;
        for (Path file : logFiles(partitionDir)) {
            try {
                total += Files.size(file);
            } catch (NoSuchFileException e) {
                // renamed by retention after the listing
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    private static List<Path> logFiles(Path partitionDir) {
        if (!Files.isDirectory(partitionDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
