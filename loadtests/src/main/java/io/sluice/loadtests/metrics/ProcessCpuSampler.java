package io.sluice.loadtests.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads the CPU time (user plus system) another process on this Linux machine has used so far, from
 * {@code /proc/<pid>/stat}. Two samples, before and after a run, give the broker's CPU seconds for it.
 * Stateless and thread-safe.
 */
public final class ProcessCpuSampler {
    /** Clock ticks per second when {@code getconf CLK_TCK} cannot be asked: Linux's fixed USER_HZ. */
    public static final long DEFAULT_TICKS_PER_SECOND = 100;

    private final Path statFile;
    private final long pid;
    private final long ticksPerSecond;

    /**
     * @param procRoot the proc file system's mount point, {@code /proc} on a real machine
     * @param pid the process to sample
     * @param ticksPerSecond clock ticks per second ({@code sysconf(_SC_CLK_TCK)}), positive
     */
    public ProcessCpuSampler(Path procRoot, long pid, long ticksPerSecond) {
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("ticksPerSecond must be positive, got " + ticksPerSecond);
        }
        this.statFile = procRoot.resolve(Long.toString(pid)).resolve("stat");
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /**
     * A sampler for a process of this machine, using {@code /proc} and the tick rate from {@code getconf}.
     *
     * @param pid the process to sample
     * @throws IOException if the process does not exist or its stat file cannot be read now
     */
    public static ProcessCpuSampler forPid(long pid) throws IOException {
        ProcessCpuSampler sampler = new ProcessCpuSampler(Path.of("/proc"), pid, detectTicksPerSecond());
        sampler.sampleSeconds();
        return sampler;
    }

    /** @return the process id this sampler reads */
    public long pid() {
        return pid;
    }

    /**
     * @return CPU seconds (user plus system) the process has used since it started, with a resolution of one
     *     clock tick
     * @throws IOException if the stat file cannot be read (the process has exited) or does not parse
     */
    public double sampleSeconds() throws IOException {
        String line = Files.readString(statFile, StandardCharsets.US_ASCII);
        try {
            return (double) ProcStat.parse(line).totalTicks() / ticksPerSecond;
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot parse " + statFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks {@code getconf CLK_TCK} for the clock tick rate, waiting at most two seconds.
     *
     * @return ticks per second, or {@link #DEFAULT_TICKS_PER_SECOND} if getconf is missing or says nothing usable
     */
    public static long detectTicksPerSecond() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            try (InputStream in = process.getInputStream()) {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return DEFAULT_TICKS_PER_SECOND;
                }
                return parseTicks(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            return DEFAULT_TICKS_PER_SECOND;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_TICKS_PER_SECOND;
        }
    }

    /**
     * @param getconfOutput what {@code getconf CLK_TCK} printed
     * @return the positive number it printed, or {@link #DEFAULT_TICKS_PER_SECOND}
     */
    static long parseTicks(String getconfOutput) {
        try {
            long ticks = Long.parseLong(getconfOutput.strip());
            return ticks > 0 ? ticks : DEFAULT_TICKS_PER_SECOND;
        } catch (NumberFormatException e) {
            return DEFAULT_TICKS_PER_SECOND;
        }
    }
}
