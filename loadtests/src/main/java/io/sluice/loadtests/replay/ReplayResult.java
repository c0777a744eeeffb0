package io.sluice.loadtests.replay;

/**
 * The replay consumer's work while the tail producer measured latency.
 *
 * @param expectedRecords records in the topic when the replay started (the sum of the end offsets)
 * @param firstPass the first read from offset 0 to the end: cold (the broker's remote read path and this consumer
 *     not yet compiled by the JIT)
 * @param laterPasses every later pass of the window together, the last one possibly cut short at the window's end
 *     ({@link ReplayPass#NONE} if the first pass filled the window): warm
 * @param completePasses whole passes made during the window, the first included
 */
public record ReplayResult(long expectedRecords, ReplayPass firstPass, ReplayPass laterPasses, int completePasses) {

    /** @return every pass of the window together: the sustained load the tail producer saw */
    public ReplayPass window() {
        return firstPass.plus(laterPasses);
    }
}
