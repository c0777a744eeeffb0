package io.sluice.loadtests.report;

/**
 * The units reports use. Megabytes and gigabytes are binary (2^20 and 2^30 bytes), as Kafka's
 * {@code ProducerPerformance} and {@code ConsumerPerformance} count {@code MB/sec}.
 */
public final class Units {
    /** Bytes in one MB as reported: 1,048,576. */
    public static final double BYTES_PER_MB = 1024.0 * 1024.0;
    /** Bytes in one GB as reported: 1,073,741,824. */
    public static final double BYTES_PER_GB = 1024.0 * 1024.0 * 1024.0;

    private Units() {
    }

    /**
     * @param amount a count or byte total
     * @param nanos the time it took
     * @return {@code amount} per second, or 0 when no time passed
     */
    public static double perSecond(double amount, long nanos) {
        return nanos <= 0 ? 0.0 : amount * 1e9 / nanos;
    }
}
