package io.sluice.broker.http;

/**
 * A record key or value as the client described it: its format and the bytes stored in the record.
 *
 * @param format how the JSON gave it
 * @param bytes  the bytes stored in the record; null for a null key or value (a null value is a tombstone)
 */
public record TypedData(EmbeddedFormat format, byte[] bytes) {
    /** @return the stored size in bytes, 0 for null */
    public int size() {
        return bytes == null ? 0 : bytes.length;
    }
}
