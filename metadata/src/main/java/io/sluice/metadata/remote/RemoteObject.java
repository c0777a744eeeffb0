package io.sluice.metadata.remote;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One object of a remote segment in the object store.
 *
 * @param key         the object key, relative to the object store's key prefix (see {@code docs/tiered-storage.md})
 * @param sizeInBytes the object's size in bytes, at least 0
 * @param crc32c      CRC32C (Castagnoli, {@link java.util.zip.CRC32C}) of the whole object, as 8 lowercase hex digits;
 *                    a reader that downloads the whole object compares it before using the bytes
 */
public record RemoteObject(String key, long sizeInBytes, String crc32c) {

    private static final Pattern CRC = Pattern.compile("[0-9a-f]{8}");

    public RemoteObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(crc32c, "crc32c");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty object key");
        }
        if (sizeInBytes < 0) {
            throw new IllegalArgumentException("negative size " + sizeInBytes + " of " + key);
        }
        if (!CRC.matcher(crc32c).matches()) {
            throw new IllegalArgumentException("crc32c must be 8 lowercase hex digits: '" + crc32c + "'");
        }
    }

    /** The 8-hex-digit form of a CRC32C value ({@link java.util.zip.CRC32C#getValue()}). */
    public static String formatCrc32c(long value) {
        return String.format("%08x", value & 0xffffffffL);
    }
}
