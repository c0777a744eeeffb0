package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.report.Units;
import java.util.List;
import java.util.Map;

/**
 * Everything one replay benchmark run measured.
 *
 * @param settings the run's settings
 * @param environment a one-line description of where it ran (cores, JVM), for the report
 * @param load the load phase: records acknowledged and their value bytes; {@code null} when an existing topic was
 *     reused
 * @param tierWaitSeconds how long the brokers took, after the load, to upload the topic and delete it locally
 * @param tiering where the records were when the replay started
 * @param rawPasses the raw store reads of the topic's {@code .log} objects, in order (at least one)
 * @param rawCpu CPU seconds of the measured processes during the last raw pass, by name
 * @param replay the replay consumer's passes
 * @param replayCpu CPU seconds of the measured processes during the replay window, by name
 * @param tailAlone tail produce latency without replay
 * @param tailDuringReplay tail produce latency while the replay ran
 */
public record ReplayReport(
    ReplaySettings settings,
    String environment,
    StageSummary load,
    double tierWaitSeconds,
    TieringProgress tiering,
    List<RawReadResult> rawPasses,
    Map<String, Double> rawCpu,
    ReplayResult replay,
    Map<String, Double> replayCpu,
    TailPhase tailAlone,
    TailPhase tailDuringReplay) {

    /** Copies the lists and maps (the maps keep their order). */
    public ReplayReport {
        if (rawPasses.isEmpty()) {
            throw new IllegalArgumentException("at least one raw pass");
        }
        rawPasses = List.copyOf(rawPasses);
        rawCpu = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rawCpu));
        replayCpu = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(replayCpu));
    }

    /** @return the last raw pass: the warm store throughput */
    public RawReadResult warmRaw() {
        return rawPasses.get(rawPasses.size() - 1);
    }

    /**
     * The figure of merit, warm against warm: how close replay through the broker comes to reading the same objects
     * straight from the store with the broker's chunk size, once both JVMs have compiled their hot paths.
     *
     * @return MB/s of the replay passes after the first divided by MB/s of the last raw pass; {@code NaN} when there
     *     was no later replay pass or the raw read measured nothing
     */
    public double warmReplayToRawRatio() {
        return ratio(replay.laterPasses().megabytesPerSecond(), warmRaw().megabytesPerSecond());
    }

    /** @return cold against cold: first replay pass MB/s over first raw pass MB/s, or {@code NaN} */
    public double coldReplayToRawRatio() {
        return ratio(replay.firstPass().megabytesPerSecond(), rawPasses.get(0).megabytesPerSecond());
    }

    /**
     * @param cpu CPU seconds by process name
     * @param bytes bytes moved meanwhile
     * @return CPU seconds per GB (2^30 bytes) by process name; empty when no bytes moved
     */
    public static Map<String, Double> perGigabyte(Map<String, Double> cpu, long bytes) {
        if (bytes <= 0) {
            return Map.of();
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        cpu.forEach((name, seconds) -> out.put(name, seconds / (bytes / Units.BYTES_PER_GB)));
        return out;
    }

    private static double ratio(double replay, double raw) {
        return replay > 0 && raw > 0 ? replay / raw : Double.NaN;
    }
}
