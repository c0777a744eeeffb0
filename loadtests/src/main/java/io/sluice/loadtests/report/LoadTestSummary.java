package io.sluice.loadtests.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The result of one run, as printed at the end and written by {@code --json-output}. Sections that did not
 * apply (no consumers, no broker pid, nothing measured) are {@code null} and left out of the JSON.
 *
 * @param transport {@code kafka} or {@code http}
 * @param mode {@code PRODUCE}, {@code CONSUME} or {@code BOTH}
 * @param topic the topic
 * @param partitions its partition count
 * @param recordSizeBytes value size in bytes
 * @param acks producer acks ({@code 0}, {@code 1}, {@code all}); {@code null} over HTTP
 * @param compression producer compression type; {@code null} over HTTP
 * @param producers producer clients
 * @param consumers consumer clients
 * @param targetRecordsPerSecond the {@code --rate}, or {@code null} if unlimited
 * @param elapsedSeconds wall time from the start of the run to its end, including draining
 * @param produce produce throughput, or {@code null} if the run did not produce
 * @param produceLatency time from send to acknowledgement, or {@code null} if nothing was acknowledged
 * @param consume consume throughput, or {@code null} if the run did not consume
 * @param consumedFromThisRun consumed records that this run's producers sent, or {@code null} if the run did
 *     not consume
 * @param endToEndLatency time from the embedded send time to receipt, or {@code null} if none was measured
 * @param brokerCpu broker CPU per GB produced, or {@code null} without {@code --broker-pid}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadTestSummary(
    String transport,
    String mode,
    String topic,
    int partitions,
    int recordSizeBytes,
    String acks,
    String compression,
    int producers,
    int consumers,
    Double targetRecordsPerSecond,
    double elapsedSeconds,
    StageSummary produce,
    LatencySummary produceLatency,
    StageSummary consume,
    Long consumedFromThisRun,
    LatencySummary endToEndLatency,
    BrokerCpuSummary brokerCpu) {

    /** @return failed records of both sides together */
    public long totalErrors() {
        return (produce == null ? 0 : produce.errors()) + (consume == null ? 0 : consume.errors());
    }
}
