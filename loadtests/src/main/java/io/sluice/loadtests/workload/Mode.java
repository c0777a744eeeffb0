package io.sluice.loadtests.workload;

/** Which side of the log a run drives. */
public enum Mode {
    /** Producers only; the run ends when the produce budget (count or duration) is used up. */
    PRODUCE,
    /** Consumers only; the run ends by consumed count, duration or idle timeout. */
    CONSUME,
    /**
     * Producers and consumers together; consumers also measure end-to-end latency from the send time
     * that producers embed in each value, and keep draining after producers finish until they have seen
     * every acknowledged record of this run (or the idle timeout passes).
     */
    BOTH;

    /** @return true when this mode runs producers */
    public boolean produces() {
        return this != CONSUME;
    }

    /** @return true when this mode runs consumers */
    public boolean consumes() {
        return this != PRODUCE;
    }
}
