package io.sluice.loadtests.workload;

/**
 * Where consumers start reading each assigned partition, as Kafka's {@code auto.offset.reset} names
 * the two ends of a log.
 */
public enum StartPosition {
    /** The log start offset: read everything the partition still holds. */
    EARLIEST,
    /** The log end offset at the moment the consumer is assigned: read only records produced afterwards. */
    LATEST
}
