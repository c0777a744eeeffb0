package io.sluice.loadtests.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuSamplerTest {
    @TempDir
    Path procRoot;

    private void writeStat(long pid, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(procRoot.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"),
            pid + " (broker) S 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime + " 0 0 20 0 50 0 100 1000 10\n");
    }

    @Test
    void convertsTicksToSecondsAndTheDifferenceIsTheCpuUsedBetweenSamples() throws IOException {
        writeStat(77, 250, 50);
        ProcessCpuSampler sampler = new ProcessCpuSampler(procRoot, 77, 100);
        double before = sampler.sampleSeconds();
        writeStat(77, 1250, 300);
        double after = sampler.sampleSeconds();

        assertThat(before).isCloseTo(3.0, within(1e-9));
        assertThat(after - before).isCloseTo(12.5, within(1e-9));
        assertThat(sampler.pid()).isEqualTo(77);
    }

    @Test
    void aMissingOrGarbledProcessIsAnIoError() throws IOException {
        assertThatThrownBy(() -> new ProcessCpuSampler(procRoot, 99, 100).sampleSeconds()).isInstanceOf(NoSuchFileException.class);
        Files.createDirectories(procRoot.resolve("98"));
        Files.writeString(procRoot.resolve("98").resolve("stat"), "garbage");
        assertThatThrownBy(() -> new ProcessCpuSampler(procRoot, 98, 100).sampleSeconds())
            .isInstanceOf(IOException.class).hasMessageContaining("cannot parse");
    }

    @Test
    void parsesGetconfOutputAndFallsBackToUserHz() {
        assertThat(ProcessCpuSampler.parseTicks("100\n")).isEqualTo(100);
        assertThat(ProcessCpuSampler.parseTicks("1024")).isEqualTo(1024);
        assertThat(ProcessCpuSampler.parseTicks("getconf: command not found")).isEqualTo(ProcessCpuSampler.DEFAULT_TICKS_PER_SECOND);
        assertThat(ProcessCpuSampler.parseTicks("0")).isEqualTo(ProcessCpuSampler.DEFAULT_TICKS_PER_SECOND);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void seesTheCpuThisJvmBurnsThroughTheRealProcFileSystem() throws IOException {
        assertThat(ProcessCpuSampler.detectTicksPerSecond()).isPositive();
        ProcessCpuSampler sampler = ProcessCpuSampler.forPid(ProcessHandle.current().pid());
        double before = sampler.sampleSeconds();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() - cpuStart < TimeUnit.MILLISECONDS.toNanos(200)) {
            for (int i = 0; i < 100_000; i++) {
                sink += i * 31L ^ sink;
            }
        }
        double after = sampler.sampleSeconds();

        assertThat(sink).isNotEqualTo(1); // keeps the loop from being optimized away
        // This thread alone burned 200 ms; ticks are 10 ms, so allow two ticks of rounding.
        assertThat(after - before).isGreaterThanOrEqualTo(0.18);
    }

    @Test
    void forPidFailsAtOnceForAProcessThatDoesNotExist() {
        assertThatThrownBy(() -> ProcessCpuSampler.forPid(Long.MAX_VALUE)).isInstanceOf(IOException.class);
    }
}
