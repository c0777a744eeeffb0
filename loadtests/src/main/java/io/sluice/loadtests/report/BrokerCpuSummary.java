package io.sluice.loadtests.report;

/**
 * CPU time a broker process used during a run, per gigabyte the run produced.
 *
 * <p>The CPU time is the change in the process's user plus system time ({@code /proc/<pid>/stat} utime and
 * stime) between a sample just before producers start and one after the run ends, so in a run that also
 * consumes it includes the cost of serving the fetches.
 *
 * @param pid the broker's process id
 * @param cpuSeconds user plus system CPU seconds used during the run
 * @param producedGigabytes payload bytes produced, in units of 2^30 bytes
 * @param cpuSecondsPerGigabyte {@code cpuSeconds / producedGigabytes}, or {@code null} if nothing was produced
 */
public record BrokerCpuSummary(long pid, double cpuSeconds, double producedGigabytes, Double cpuSecondsPerGigabyte) {
    /**
     * @param pid the broker's process id
     * @param cpuSecondsBefore CPU seconds sampled before the run
     * @param cpuSecondsAfter CPU seconds sampled after it
     * @param producedBytes payload bytes the run produced
     * @return the summary
     */
    public static BrokerCpuSummary of(long pid, double cpuSecondsBefore, double cpuSecondsAfter, long producedBytes) {
        double cpu = Math.max(0.0, cpuSecondsAfter - cpuSecondsBefore);
        double gigabytes = producedBytes / Units.BYTES_PER_GB;
        return new BrokerCpuSummary(pid, cpu, gigabytes, producedBytes > 0 ? cpu / gigabytes : null);
    }
}
