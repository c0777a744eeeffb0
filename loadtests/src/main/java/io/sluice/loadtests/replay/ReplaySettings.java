package io.sluice.loadtests.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The validated settings of one replay benchmark run ({@code sluice-loadgen replay}).
 *
 * @param bootstrapServers Kafka bootstrap address of the cluster under test
 * @param topic the replay topic, created with {@code remote.storage.enable=true}; it must not exist yet (unless
 *     {@code reuseTopic}), so that every byte read back was written by this run
 * @param partitions partitions of the replay topic, at least 1
 * @param replicationFactor replication factor of the replay and tail topics, at least 1
 * @param totalBytes record value bytes to produce before replaying, at least one record's worth
 * @param recordSize value size of each record, in bytes, at least 1
 * @param segmentBytes the topic's {@code segment.bytes}: the size of one sealed segment, hence of one uploaded
 *     {@code .log} object
 * @param localRetentionBytes the topic's {@code local.retention.bytes} (KIP-405): small, so that every uploaded
 *     segment is deleted locally and replay has to read it from the object store; {@code >= 0}
 * @param loadAcks producer {@code acks} of the load phase: {@code 1} or {@code all}
 * @param chunkBytes bytes per ranged GET of the raw store read; set it to the brokers'
 *     {@code sluice.remote.fetch.chunk.bytes} (default 1 MiB)
 * @param rawConcurrency ranged GETs in flight during the raw store read; the broker has one read plus
 *     {@code sluice.remote.fetch.read.ahead.chunks} (default 2) read-ahead GETs in flight per replayed partition
 * @param rawPasses how many times the raw store read goes over all objects, at least 1: the first pass is cold
 *     (this JVM's S3 client not yet compiled by the JIT), the last one warm
 * @param tailRate records per second of the tail producer, positive
 * @param tailRecordSize value size of a tail record, in bytes
 * @param tailDuration how long each tail latency phase lasts (alone, then during replay)
 * @param tailProducerProperties extra configs of the tail producer, applied over {@code acks=all} and
 *     {@code linger.ms=0}
 * @param tierTimeout how long to wait for the brokers to upload the topic and delete it locally
 * @param replayIdleTimeout the replay fails if no record arrives for this long
 * @param replayConsumerProperties extra configs of the replay consumer (e.g. {@code max.partition.fetch.bytes})
 * @param objectStore where the brokers keep tiered segments
 * @param brokerPid the broker's process id on this machine (for its CPU time), or {@code null}
 * @param storePid the object store server's process id on this machine (S3Proxy, MinIO; for its CPU time), or
 *     {@code null}
 * @param reuseTopic measure a topic an earlier run created, loaded and tiered (no creation, no load): the topic
 *     must exist with {@code partitions} partitions
 * @param reportOutput where to also write the report as markdown, or {@code null}
 */
public record ReplaySettings(
    String bootstrapServers,
    String topic,
    int partitions,
    short replicationFactor,
    long totalBytes,
    int recordSize,
    int segmentBytes,
    long localRetentionBytes,
    String loadAcks,
    int chunkBytes,
    int rawConcurrency,
    int rawPasses,
    double tailRate,
    int tailRecordSize,
    Duration tailDuration,
    Map<String, String> tailProducerProperties,
    Duration tierTimeout,
    Duration replayIdleTimeout,
    Map<String, String> replayConsumerProperties,
    ObjectStoreSettings objectStore,
    Long brokerPid,
    Long storePid,
    boolean reuseTopic,
    Path reportOutput) {

    /** Sluice's smallest {@code segment.bytes} (Kafka's own minimum is 1 MiB). */
    public static final int MIN_SEGMENT_BYTES = 1024;

    /** @throws IllegalArgumentException naming the bad option */
    public ReplaySettings {
        Objects.requireNonNull(objectStore, "objectStore");
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("--topic must not be blank");
        }
        positive("--partitions", partitions);
        positive("--replication-factor", replicationFactor);
        positive("--record-size", recordSize);
        positive("--tail-record-size", tailRecordSize);
        positive("--chunk-bytes", chunkBytes);
        positive("--raw-concurrency", rawConcurrency);
        positive("--raw-passes", rawPasses);
        if (totalBytes < recordSize) {
            throw new IllegalArgumentException("--bytes must be at least one record (" + recordSize + " B), got " + totalBytes);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("--segment-bytes must be at least " + MIN_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        if (segmentBytes < recordSize) {
            throw new IllegalArgumentException("--segment-bytes must hold at least one record, got " + segmentBytes);
        }
        // (the accessors cannot be used here: the fields are assigned after this block)
        long recordsPerPartition = (totalBytes + recordSize - 1) / recordSize / partitions;
        long recordsPerSegment = Math.max(1, segmentBytes / recordSize);
        if (recordsPerPartition < 2 * recordsPerSegment) {
            throw new IllegalArgumentException("--bytes must fill at least two segments per partition (so at least one is"
                + " sealed and tiered): --bytes " + totalBytes + " is " + recordsPerPartition
                + " records per partition, a segment holds up to " + recordsPerSegment);
        }
        if (localRetentionBytes < 0) {
            throw new IllegalArgumentException("--local-retention-bytes must not be negative, got " + localRetentionBytes);
        }
        if (!"1".equals(loadAcks) && !"all".equals(loadAcks)) {
            throw new IllegalArgumentException("--load-acks must be 1 or all, got " + loadAcks);
        }
        if (!(tailRate > 0) || Double.isInfinite(tailRate)) {
            throw new IllegalArgumentException("--tail-rate must be a positive number of records/s, got " + tailRate);
        }
        positive("--tail-duration", tailDuration);
        positive("--tier-timeout", tierTimeout);
        positive("--replay-idle-timeout", replayIdleTimeout);
        tailProducerProperties = Map.copyOf(tailProducerProperties == null ? Map.of() : tailProducerProperties);
        replayConsumerProperties = Map.copyOf(replayConsumerProperties == null ? Map.of() : replayConsumerProperties);
    }

    /** @return records the load phase produces: {@code totalBytes / recordSize}, rounded up */
    public long recordCount() {
        return (totalBytes + recordSize - 1) / recordSize;
    }

    /**
     * An upper bound on the records one segment holds: every record takes more than {@code recordSize} bytes on
     * disk (record and batch headers), so a segment of {@code segmentBytes} holds fewer than
     * {@code segmentBytes / recordSize}.
     *
     * @return {@code segmentBytes / recordSize}, at least 1
     */
    public long maxRecordsPerSegment() {
        return Math.max(1, segmentBytes / recordSize);
    }

    private static void positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    private static void positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration, got " + value);
        }
    }
}
