package io.sluice.loadtests.workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.internals.Topic;

/**
 * Everything one load-test run needs, validated on construction.
 *
 * @param mode which sides run
 * @param topic topic name, legal by Kafka's rules ({@link Topic#validate(String)})
 * @param partitions partitions to create the topic with when it is missing; over HTTP without a Kafka
 *     bootstrap address, the number of partitions (ids {@code 0 .. partitions - 1}) to produce to and read
 * @param replicationFactor replication factor for a topic this run creates
 * @param recordSize value size in bytes, at least 1 (at least {@link PayloadFactory#HEADER_LENGTH} to
 *     measure end-to-end latency)
 * @param numRecords total records to produce (all producers together) or, in {@link Mode#CONSUME}, to
 *     consume; {@code null} for no count limit
 * @param duration how long producers send (in {@link Mode#CONSUME}: how long consumers read); {@code null}
 *     for no time limit. At least one of {@code numRecords} and {@code duration} is required
 * @param rate target records per second for all producers together; {@code null} for unlimited
 * @param producers producer clients, each on its own thread
 * @param consumers consumer clients, each on its own thread and assigned its share of the partitions
 * @param startPosition where consumers start in each partition
 * @param idleTimeout consumers stop after this long without a new record (once producers are done)
 * @param reportInterval time between progress lines
 * @param brokerPid process id of a broker on this machine whose CPU time to report, or {@code null}
 * @param jsonOutput file to write the summary to as JSON, or {@code null}
 * @param kafka Kafka-protocol settings; its bootstrap address may be {@code null} in HTTP mode
 * @param http HTTP settings, or {@code null} to drive the Kafka protocol
 */
public record LoadTestConfig(
    Mode mode,
    String topic,
    int partitions,
    short replicationFactor,
    int recordSize,
    Long numRecords,
    Duration duration,
    Double rate,
    int producers,
    int consumers,
    StartPosition startPosition,
    Duration idleTimeout,
    Duration reportInterval,
    Long brokerPid,
    Path jsonOutput,
    KafkaSettings kafka,
    HttpSettings http) {

    /** @throws IllegalArgumentException (or Kafka's {@code InvalidTopicException}) naming the bad setting */
    public LoadTestConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startPosition, "startPosition");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(reportInterval, "reportInterval");
        Objects.requireNonNull(kafka, "kafka");
        Topic.validate(Objects.requireNonNull(topic, "topic"));
        require(partitions >= 1, "--partitions must be at least 1, got " + partitions);
        require(replicationFactor >= 1, "--replication-factor must be at least 1, got " + replicationFactor);
        require(recordSize >= 1, "--record-size must be at least 1 byte, got " + recordSize);
        require(numRecords == null || numRecords >= 1, "--num-records must be at least 1, got " + numRecords);
        require(duration == null || (!duration.isNegative() && !duration.isZero()), "--duration must be positive, got " + duration);
        require(numRecords != null || duration != null, "give --num-records, --duration or both: every run must be bounded");
        require(rate == null || (rate > 0 && !rate.isInfinite()), "--rate must be a positive number of records/s, got " + rate);
        require(!mode.produces() || producers >= 1, "--producers must be at least 1 in mode " + mode + ", got " + producers);
        require(!mode.consumes() || consumers >= 1, "--consumers must be at least 1 in mode " + mode + ", got " + consumers);
        require(!idleTimeout.isNegative() && !idleTimeout.isZero(), "--idle-timeout must be positive");
        require(!reportInterval.isNegative() && !reportInterval.isZero(), "--report-interval must be positive");
        require(brokerPid == null || brokerPid > 0, "--broker-pid must be positive, got " + brokerPid);
        require(http != null || kafka.bootstrapServers() != null, "give --bootstrap-servers (Kafka protocol) or --http-url (HTTP API)");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return true when the run drives Sluice's HTTP API rather than the Kafka protocol */
    public boolean usesHttp() {
        return http != null;
    }

    /** @return the count limit for the produce budget, or {@link WorkBudget#UNBOUNDED_COUNT} */
    public long recordLimit() {
        return numRecords == null ? WorkBudget.UNBOUNDED_COUNT : numRecords;
    }

    /** @return the time limit in nanoseconds, or {@code Long.MAX_VALUE} */
    public long durationLimitNanos() {
        return duration == null ? Long.MAX_VALUE : duration.toNanos();
    }
}
