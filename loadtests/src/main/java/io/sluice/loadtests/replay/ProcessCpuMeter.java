package io.sluice.loadtests.replay;

import io.sluice.loadtests.metrics.ProcessCpuSampler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds (user plus system, from {@code /proc/<pid>/stat}) that a few named processes of this machine use during
 * a phase, e.g. {@code broker}, {@code store} and {@code load generator}. On a machine where every process shares the
 * same cores this tells which one a throughput figure was limited by. Linux only; not thread-safe.
 */
public final class ProcessCpuMeter {
    private final Map<String, ProcessCpuSampler> samplers;

    /** @param samplers a sampler per process name, in report order */
    public ProcessCpuMeter(Map<String, ProcessCpuSampler> samplers) {
        this.samplers = new LinkedHashMap<>(samplers);
    }

    /**
     * @param pids process id per name, in report order; a {@code null} id leaves that name out
     * @return a meter for those processes
     * @throws IOException if a process does not exist or its stat file cannot be read
     */
    public static ProcessCpuMeter forPids(Map<String, Long> pids) throws IOException {
        Map<String, ProcessCpuSampler> samplers = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            if (e.getValue() != null) {
                samplers.put(e.getKey(), ProcessCpuSampler.forPid(e.getValue()));
            }
        }
        return new ProcessCpuMeter(samplers);
    }

    /**
     * @return every process's CPU seconds so far, by name
     * @throws IOException if a process has exited
     */
    public Map<String, Double> sample() throws IOException {
        Map<String, Double> now = new LinkedHashMap<>();
        for (Map.Entry<String, ProcessCpuSampler> e : samplers.entrySet()) {
            now.put(e.getKey(), e.getValue().sampleSeconds());
        }
        return now;
    }

    /**
     * @param before an earlier {@link #sample()}
     * @return CPU seconds used since {@code before}, by name; empty if a process has exited meanwhile
     */
    public Map<String, Double> since(Map<String, Double> before) {
        try {
            Map<String, Double> used = new LinkedHashMap<>();
            sample().forEach((name, seconds) -> used.put(name, seconds - before.getOrDefault(name, seconds)));
            return used;
        } catch (IOException e) {
            return Map.of();
        }
    }
}
