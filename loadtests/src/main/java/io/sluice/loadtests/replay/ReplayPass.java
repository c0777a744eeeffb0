package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.Units;

/**
 * One read of the replay topic from offset 0, complete or cut short at the end of a measuring window.
 *
 * @param records records received
 * @param recordBytes their key plus value bytes
 * @param fetchedBytes record batch bytes the consumer fetched (its {@code bytes-consumed-total} metric: batches as
 *     stored in the log, i.e. the bytes of the {@code .log} objects for the tiered part); 0 if the consumer has no
 *     such metric
 * @param seconds from the seek to offset 0 to the last record
 * @param complete whether every partition was read up to its end offset
 */
public record ReplayPass(long records, long recordBytes, long fetchedBytes, double seconds, boolean complete) {
    /** No pass at all: nothing read in no time (the neutral element of {@link #plus}). */
    public static final ReplayPass NONE = new ReplayPass(0, 0, 0, 0.0, true);

    /** @return {@code fetchedBytes} if known, else {@code recordBytes}: the bytes the throughput is quoted in */
    public long bytes() {
        return fetchedBytes > 0 ? fetchedBytes : recordBytes;
    }

    /** @return {@link #bytes()} {@code / 2^20 / seconds}, 0 when no time passed */
    public double megabytesPerSecond() {
        return seconds <= 0 ? 0.0 : bytes() / Units.BYTES_PER_MB / seconds;
    }

    /** @return records per second, 0 when no time passed */
    public double recordsPerSecond() {
        return seconds <= 0 ? 0.0 : records / seconds;
    }

    /** @return the two passes' counts added, their times added, complete if both are */
    public ReplayPass plus(ReplayPass other) {
        return new ReplayPass(records + other.records, recordBytes + other.recordBytes,
            fetchedBytes + other.fetchedBytes, seconds + other.seconds, complete && other.complete);
    }
}
