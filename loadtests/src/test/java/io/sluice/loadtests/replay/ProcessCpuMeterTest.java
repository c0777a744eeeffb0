package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.loadtests.metrics.ProcessCpuSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuMeterTest {
    @TempDir
    Path procRoot;

    private void writeStat(long pid, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(procRoot.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"),
            pid + " (java) S 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime + " 0 0 20 0 50 0 100 1000 10\n");
    }

    private ProcessCpuMeter meter() {
        Map<String, ProcessCpuSampler> samplers = new LinkedHashMap<>();
        samplers.put("broker", new ProcessCpuSampler(procRoot, 10, 100));
        samplers.put("store", new ProcessCpuSampler(procRoot, 20, 100));
        return new ProcessCpuMeter(samplers);
    }

    @Test
    void reportsEachProcesssCpuSinceASampleInOrder() throws IOException {
        writeStat(10, 100, 100);
        writeStat(20, 50, 0);
        ProcessCpuMeter meter = meter();
        Map<String, Double> before = meter.sample();
        writeStat(10, 700, 200);
        writeStat(20, 75, 25);

        Map<String, Double> used = meter.since(before);

        assertThat(used).containsOnlyKeys("broker", "store");
        assertThat(used.keySet()).containsExactly("broker", "store");
        assertThat(used.get("broker")).isCloseTo(7.0, within(1e-9));
        assertThat(used.get("store")).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aProcessThatExitedMeanwhileLeavesNoFigures() throws IOException {
        writeStat(10, 100, 100);
        writeStat(20, 50, 0);
        ProcessCpuMeter meter = meter();
        Map<String, Double> before = meter.sample();
        Files.delete(procRoot.resolve("20").resolve("stat"));

        assertThat(meter.since(before)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void unknownPidsAreLeftOutAndThisProcessCanBeMeasured() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("broker", null);
        pids.put("load generator", ProcessHandle.current().pid());

        assertThat(ProcessCpuMeter.forPids(pids).sample()).containsOnlyKeys("load generator");
    }
}
