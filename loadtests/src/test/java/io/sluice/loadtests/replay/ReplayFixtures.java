package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.LatencySummary;
import io.sluice.loadtests.report.StageSummary;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings and reports with known numbers, for the replay tests. */
final class ReplayFixtures {
    private ReplayFixtures() {
    }

    static ObjectStoreSettings devStore() {
        return new ObjectStoreSettings(URI.create("http://127.0.0.1:9000"), "sluice", "", "us-east-1", "sluice-local",
            "sluice-local-secret");
    }

    /** 1 GiB of 1 KiB records in 64 MiB segments over {@code partitions} partitions. */
    static ReplaySettings settings(int partitions) {
        return new ReplaySettings("127.0.0.1:9092", "replay-t", partitions, (short) 1, 1L << 30, 1024, 64 << 20, 0L, "1",
            1 << 20, 3, 3, 1000.0, 1024, Duration.ofSeconds(30), Map.of(), Duration.ofMinutes(10), Duration.ofSeconds(60),
            Map.of(), devStore(), null, null, false, null);
    }

    /**
     * Raw passes of 1024 MB at 256 MB/s (cold) then 512 MB/s (warm); replay 1040 MB in 8 s (cold) then 2080 MB in
     * 10 s (warm, 2 passes).
     */
    static ReplayReport report(Map<String, Double> replayCpu) {
        StageSummary load = StageSummary.of(1_048_576, 1L << 30, 12_800_000_000L, Map.of());
        TieringProgress tiering = new TieringProgress(List.of(new PartitionTiering(0, 1_048_576, 1_032_000, 1_031_999)));
        RawReadResult cold = new RawReadResult(16, 1024L << 20, 1024, 4.0, new LatencySummary(1024, 9.0, 30.0, 40.0, 45.0, 10.0));
        RawReadResult warm = new RawReadResult(16, 1024L << 20, 1024, 2.0, new LatencySummary(1024, 5.0, 12.0, 20.0, 25.0, 5.5));
        ReplayPass first = new ReplayPass(1_048_576, 1L << 30, 1040L << 20, 8.0, true);
        ReplayPass later = new ReplayPass(2_097_152, 2L << 30, 2080L << 20, 10.0, true);
        ReplayResult replay = new ReplayResult(1_048_576, first, later, 3);
        TailPhase alone = new TailPhase("alone", 30.0, 1000.0, 30_000, 30_000, Map.of(),
            new LatencySummary(30_000, 1.25, 3.5, 8.0, 12.0, 1.4));
        TailPhase during = new TailPhase("during replay", 30.0, 1000.0, 30_000, 29_998, Map.of("TimeoutException", 2L),
            new LatencySummary(29_998, 2.5, 40.0, 90.0, 120.0, 3.0));
        return new ReplayReport(settings(1), "2 cores, Java 17", load, 312.0, tiering, List.of(cold, warm),
            Map.of("store", 3.0), replay, replayCpu, alone, during);
    }
}
