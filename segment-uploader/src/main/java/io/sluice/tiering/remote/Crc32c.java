package io.sluice.tiering.remote;

import io.sluice.metadata.remote.RemoteObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli, hardware-accelerated by {@link CRC32C}) of files and buffers, in the 8-hex-digit form stored in
 * {@link RemoteObject#crc32c()}. CRC32C is the checksum Kafka's record batches use and one S3 supports natively; it
 * detects the corruption that matters here (truncated or damaged objects) at memory speed.
 */
public final class Crc32c {

    private static final int CHUNK = 1 << 20;

    private Crc32c() {
    }

    /**
     * The checksum and size of a whole file, read in 1 MiB chunks.
     *
     * @return the checksum as 8 lowercase hex digits, and the bytes read
     */
    public static Checked ofFile(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                size += buffer.remaining();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return new Checked(RemoteObject.formatCrc32c(crc.getValue()), size);
    }

    /** The checksum of the buffer's remaining bytes (its position is not moved). */
    public static String of(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return RemoteObject.formatCrc32c(crc.getValue());
    }

    /** The checksum of a byte array. */
    public static String of(byte[] data) {
        return of(ByteBuffer.wrap(data));
    }

    /**
     * A file's checksum and size.
     *
     * @param crc32c      8 lowercase hex digits
     * @param sizeInBytes the bytes checksummed
     */
    public record Checked(String crc32c, long sizeInBytes) {
    }
}
