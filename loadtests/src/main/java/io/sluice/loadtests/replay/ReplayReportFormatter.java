package io.sluice.loadtests.replay;

import io.sluice.loadtests.report.LatencySummary;
import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.report.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link ReplayReport} as markdown (readable as plain text too): a bullet list of the setup, a table of
 * the throughput steps with the replay/raw ratios in bold, and a table of the tail producer's latency phases.
 * MB are 2^20 bytes, GB 2^30 bytes, as everywhere in the load generator.
 */
public final class ReplayReportFormatter {
    private ReplayReportFormatter() {
    }

    /**
     * @param r the report
     * @return lines without trailing newlines
     */
    public static List<String> format(ReplayReport r) {
        ReplaySettings s = r.settings();
        List<String> lines = new ArrayList<>();
        lines.add("## Replay from object storage: topic " + s.topic());
        lines.add("");
        lines.add(f("- cluster `%s`, store: %s; %s", s.bootstrapServers(), s.objectStore(), r.environment()));
        lines.add(f("- topic: %d partition%s, %,d B records, segment.bytes %s, local.retention.bytes %s, remote.storage.enable=true",
            s.partitions(), s.partitions() == 1 ? "" : "s", s.recordSize(), size(s.segmentBytes()), size(s.localRetentionBytes())));
        lines.add("- MB = 2^20 bytes; replay MB/s counts the record batches fetched (the consumer's bytes-consumed-total);"
            + " cold = first pass, warm = later passes");
        lines.add("");
        lines.add("| step | result |");
        lines.add("|---|---|");
        lines.add(r.load() == null ? row("load", "skipped: existing topic reused (--reuse-topic)")
            : row(f("load (acks=%s)", s.loadAcks()), stage(r.load())));
        lines.add(row("tiering", f("%.1f%% of %,d records below the local log start offset after %.1f s",
            100 * r.tiering().remoteFraction(), r.tiering().totalRecords(), r.tierWaitSeconds())));
        String rawStep = f("raw store: ranged GETs of %s, %d in flight", size(s.chunkBytes()), s.rawConcurrency());
        for (int i = 0; i < r.rawPasses().size(); i++) {
            lines.add(row(f("%s, pass %d%s", rawStep, i + 1, passLabel(i, r.rawPasses().size())), raw(r.rawPasses().get(i))));
        }
        lines.add(row("replay: KafkaConsumer from offset 0, first pass (cold)", pass(r.replay().firstPass(), r.replay().expectedRecords())));
        ReplayPass later = r.replay().laterPasses();
        lines.add(row("replay: later passes (warm)", later.records() == 0 ? "none (the first pass filled the window)"
            : f("%,.2f passes: %,.1f MB in %.2f s = %.2f MB/s", later.records() / (double) r.replay().expectedRecords(),
                later.bytes() / Units.BYTES_PER_MB, later.seconds(), later.megabytesPerSecond())));
        lines.add(row("**replay / raw store, warm**", ratio(r.warmReplayToRawRatio())));
        lines.add(row("replay / raw store, cold", ratio(r.coldReplayToRawRatio())));
        if (!r.rawCpu().isEmpty()) {
            lines.add(row("CPU during the last raw pass", cpu(r.rawCpu(), r.warmRaw().bytes(), r.warmRaw().seconds())));
        }
        if (!r.replayCpu().isEmpty()) {
            ReplayPass window = r.replay().window();
            lines.add(row("CPU during the replay window", cpu(r.replayCpu(), window.bytes(), window.seconds())));
        }
        lines.add("");
        lines.add(f("| tail producer (%s, %,.0f records/s of %,d B) | seconds | sent | acked | errors | p50 ms | p99 ms | p99.9 ms | max ms |",
            tailConfig(s), s.tailRate(), s.tailRecordSize()));
        lines.add("|---|---|---|---|---|---|---|---|---|");
        lines.add(tail(r.tailAlone()));
        lines.add(tail(r.tailDuringReplay()));
        return lines;
    }

    private static String passLabel(int index, int passes) {
        if (passes == 1) {
            return "";
        }
        return index == 0 ? " (cold)" : index == passes - 1 ? " (warm)" : "";
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "n/a" : f("**%.2f**", value);
    }

    private static String cpu(Map<String, Double> seconds, long bytes, double windowSeconds) {
        Map<String, Double> perGb = ReplayReport.perGigabyte(seconds, bytes);
        List<String> parts = new ArrayList<>();
        seconds.forEach((name, s) -> parts.add(perGb.containsKey(name)
            ? f("%s %.1f s (%.1f s/GB)", name, s, perGb.get(name)) : f("%s %.1f s", name, s)));
        return String.join(", ", parts) + f(" in %.1f s", windowSeconds);
    }

    private static String tailConfig(ReplaySettings s) {
        Map<String, String> config = new TreeMap<>(Map.of("acks", "all", "linger.ms", "0"));
        config.putAll(s.tailProducerProperties());
        List<String> parts = new ArrayList<>();
        config.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    private static String stage(StageSummary st) {
        return f("%,d records, %,.1f MB in %.2f s = %.2f MB/s, %,d errors%s", st.records(), st.bytes() / Units.BYTES_PER_MB,
            st.seconds(), st.megabytesPerSecond(), st.errors(), errors(st.errorsByKind()));
    }

    private static String raw(RawReadResult raw) {
        LatencySummary l = raw.getLatency();
        return f("%d `.log` objects, %,.1f MB in %.2f s = %.2f MB/s (%,d GETs%s)", raw.objects(), raw.bytes() / Units.BYTES_PER_MB,
            raw.seconds(), raw.megabytesPerSecond(), raw.gets(),
            l == null ? "" : f(", GET p50 %.2f ms, p99 %.2f ms", l.p50Ms(), l.p99Ms()));
    }

    private static String pass(ReplayPass p, long expected) {
        return f("%,d of %,d records, %,.1f MB in %.2f s = %.2f MB/s (%,.0f records/s)%s", p.records(), expected,
            p.bytes() / Units.BYTES_PER_MB, p.seconds(), p.megabytesPerSecond(), p.recordsPerSecond(),
            p.complete() ? "" : ", INCOMPLETE");
    }

    private static String tail(TailPhase t) {
        LatencySummary l = t.latency();
        String latency = l == null ? "- | - | - | -" : f("%.2f | %.2f | %.2f | %.2f", l.p50Ms(), l.p99Ms(), l.p999Ms(), l.maxMs());
        return f("| %s | %.1f | %,d | %,d | %,d%s | %s |", t.name(), t.seconds(), t.sent(), t.acknowledged(), t.errors(),
            errors(t.errorsByKind()), latency);
    }

    private static String errors(Map<String, Long> byKind) {
        if (byKind.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, n) -> parts.add(kind + "=" + n));
        return " (" + String.join(", ", parts) + ")";
    }

    /** @return a binary size with the largest unit that divides it: {@code 64 MiB}, {@code 1,536 KiB}, {@code 0 B} */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (value != 0 && value % 1024 == 0 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return f("%,d %s", value, units[unit]);
    }

    private static String row(String step, String result) {
        return "| " + step + " | " + result + " |";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
