package io.sluice.storage.checkpoint;

import io.sluice.storage.LogFileNames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of a small file, as Kafka writes its checkpoints: write {@code <name>.tmp}, fsync it,
 * rename it over {@code <name>} (atomic on POSIX file systems), then fsync the directory so the rename itself is
 * durable. A reader therefore sees either the old or the new content, never a torn mix.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Atomically replaces {@code file} with {@code content} encoded as UTF-8. */
    public static void write(Path file, String content) throws IOException {
        write(file, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Atomically replaces {@code file} with the remaining bytes of {@code content}. */
    public static void write(Path file, ByteBuffer content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + LogFileNames.TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** Forces a directory's entries (creations, renames, deletions) to the storage device. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
