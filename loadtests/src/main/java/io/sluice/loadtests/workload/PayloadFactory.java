package io.sluice.loadtests.workload;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Builds record values of a fixed size that carry their send time, and reads that time back.
 *
 * <p>Value layout (all ASCII, so the same bytes travel as text over the HTTP API):
 * <pre>
 *   bytes 0..3   "SLT1"                 marker and format version
 *   bytes 4..19  16 lowercase hex digits send time in microseconds since the Unix epoch ({@link MicrosClock})
 *   bytes 20..   filler                 random upper-case letters A-Z
 * </pre>
 * Values shorter than {@link #HEADER_LENGTH} bytes are filler only and carry no send time, so no end-to-end
 * latency is measured for them. The filler is drawn once per factory and reused, as Kafka's
 * {@code ProducerPerformance} does with its random payload: random letters compress about as well as text,
 * which keeps {@code --compression} results honest without spending producer CPU on randomness per record.
 *
 * <p>Not thread-safe: use one factory per producer thread.
 */
public final class PayloadFactory {
    /** Length of the marker plus the hex timestamp, in bytes. */
    public static final int HEADER_LENGTH = 20;
    /** Returned by the decode methods when a value carries no send time. */
    public static final long NO_TIMESTAMP = -1L;

    private static final byte[] MARKER = "SLT1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] template;

    /**
     * @param recordSize value size in bytes, at least 1
     * @param random source of the filler letters
     */
    public PayloadFactory(int recordSize, Random random) {
        if (recordSize < 1) {
            throw new IllegalArgumentException("record size must be at least 1 byte, got " + recordSize);
        }
        template = new byte[recordSize];
        for (int i = 0; i < recordSize; i++) {
            template[i] = (byte) ('A' + random.nextInt(26));
        }
        if (carriesTimestamp()) {
            System.arraycopy(MARKER, 0, template, 0, MARKER.length);
        }
    }

    /** @return true if values are long enough to carry their send time */
    public boolean carriesTimestamp() {
        return template.length >= HEADER_LENGTH;
    }

    /** @return the value size in bytes */
    public int recordSize() {
        return template.length;
    }

    /**
     * @param sendMicros the send time to embed, microseconds since the epoch (ignored for short values)
     * @return a new array of {@link #recordSize()} bytes; the caller may hand it to a producer that keeps it
     */
    public byte[] next(long sendMicros) {
        byte[] value = template.clone();
        if (carriesTimestamp()) {
            for (int i = 0; i < 16; i++) {
                value[MARKER.length + i] = HEX[(int) (sendMicros >>> (60 - 4 * i)) & 0xF];
            }
        }
        return value;
    }

    /**
     * @param value a record value, possibly {@code null} or written by another tool
     * @return the embedded send time in microseconds since the epoch, or {@link #NO_TIMESTAMP} if the value
     *     does not start with the marker and 16 hex digits
     */
    public static long decodeSendMicros(byte[] value) {
        if (value == null || value.length < HEADER_LENGTH) {
            return NO_TIMESTAMP;
        }
        for (int i = 0; i < MARKER.length; i++) {
            if (value[i] != MARKER[i]) {
                return NO_TIMESTAMP;
            }
        }
        long micros = 0;
        for (int i = MARKER.length; i < HEADER_LENGTH; i++) {
            int digit = Character.digit(value[i], 16);
            if (digit < 0) {
                return NO_TIMESTAMP;
            }
            micros = (micros << 4) | digit;
        }
        return micros;
    }

    /**
     * Text form of {@link #decodeSendMicros(byte[])} for values that came back as JSON strings.
     *
     * @param value a record value, possibly {@code null}
     * @return the embedded send time in microseconds since the epoch, or {@link #NO_TIMESTAMP}
     */
    public static long decodeSendMicros(CharSequence value) {
        if (value == null || value.length() < HEADER_LENGTH) {
            return NO_TIMESTAMP;
        }
        byte[] head = new byte[HEADER_LENGTH];
        for (int i = 0; i < HEADER_LENGTH; i++) {
            char c = value.charAt(i);
            if (c > 0x7F) {
                return NO_TIMESTAMP;
            }
            head[i] = (byte) c;
        }
        return decodeSendMicros(head);
    }
}
