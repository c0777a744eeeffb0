package io.sluice.loadtests.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link LoadTestSummary} as the human-readable block printed at the end of a run. */
public final class SummaryFormatter {
    private SummaryFormatter() {
    }

    /**
     * @param s the summary
     * @return lines without trailing newlines
     */
    public static List<String> format(LoadTestSummary s) {
        List<String> lines = new ArrayList<>();
        lines.add("=== Sluice load test summary ===");
        lines.add(f("transport %s, mode %s, topic %s (%d partitions), record size %d B%s, %d producers, %d consumers, rate %s",
            s.transport(), s.mode().toLowerCase(Locale.ROOT), s.topic(), s.partitions(), s.recordSizeBytes(),
            s.acks() == null ? "" : ", acks " + s.acks() + ", compression " + s.compression(),
            s.producers(), s.consumers(),
            s.targetRecordsPerSecond() == null ? "unlimited" : f("%,.0f records/s", s.targetRecordsPerSecond())));
        lines.add(f("elapsed %.2f s", s.elapsedSeconds()));
        if (s.produce() != null) {
            lines.add(stage("produce", s.produce()));
            lines.add(latency("  ack latency", s.produceLatency()));
        }
        if (s.consume() != null) {
            lines.add(stage("consume", s.consume()));
            lines.add(f("  records from this run: %,d", s.consumedFromThisRun()));
            lines.add(latency("  end-to-end latency", s.endToEndLatency()));
        }
        if (s.brokerCpu() != null) {
            BrokerCpuSummary cpu = s.brokerCpu();
            lines.add(f("broker cpu (pid %d): %.2f s for %.3f GB produced = %s", cpu.pid(), cpu.cpuSeconds(),
                cpu.producedGigabytes(),
                cpu.cpuSecondsPerGigabyte() == null ? "n/a" : f("%.2f s/GB", cpu.cpuSecondsPerGigabyte())));
        }
        lines.add(f("errors: %,d%s", s.totalErrors(), errorDetail(s)));
        return lines;
    }

    private static String stage(String name, StageSummary st) {
        return f("%-8s %,d records, %.1f MB in %.2f s = %,.0f records/s, %.2f MB/s, %,d errors",
            name + ":", st.records(), st.bytes() / Units.BYTES_PER_MB, st.seconds(), st.recordsPerSecond(),
            st.megabytesPerSecond(), st.errors());
    }

    private static String latency(String name, LatencySummary l) {
        if (l == null) {
            return name + ": none measured";
        }
        return f("%s ms: p50 %.2f, p99 %.2f, p99.9 %.2f, max %.2f (mean %.2f, %,d samples)",
            name, l.p50Ms(), l.p99Ms(), l.p999Ms(), l.maxMs(), l.meanMs(), l.count());
    }

    private static String errorDetail(LoadTestSummary s) {
        List<String> parts = new ArrayList<>();
        addErrors(parts, "produce", s.produce());
        addErrors(parts, "consume", s.consume());
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static void addErrors(List<String> parts, String side, StageSummary st) {
        if (st != null) {
            st.errorsByKind().forEach((kind, n) -> parts.add(side + " " + kind + "=" + n));
        }
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
