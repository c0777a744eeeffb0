package io.sluice.broker.cluster;

import java.util.List;
import java.util.Map;

/**
 * What {@link DeliveryChecker#verify} found.
 *
 * @param acknowledged    sends whose callback reported success (each with a partition and offset)
 * @param failed          sends whose callback reported an error, by exception class name
 * @param read            records read back across all partitions
 * @param violations      every broken promise, one line each (empty when delivery was correct); the kinds are
 *                        {@code LOST}, {@code MOVED}, {@code DUPLICATE}, {@code REORDERED}, {@code OFFSET_REUSED},
 *                        {@code MISPLACED}, {@code UNKNOWN} and {@code OFFSETS_NOT_INCREASING}, described at
 *                        {@link DeliveryChecker}
 */
public record DeliveryReport(long acknowledged, Map<String, Long> failed, long read, List<String> violations) {
    private static final int SHOWN = 40;

    public DeliveryReport {
        failed = Map.copyOf(failed);
        violations = List.copyOf(violations);
    }

    /** Whether every acknowledged record was read back exactly once, in order, at its acknowledged offset. */
    public boolean ok() {
        return violations.isEmpty();
    }

    /** The number of failed sends of every kind. */
    public long failedCount() {
        return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder()
                .append("acknowledged=").append(acknowledged)
                .append(" failed=").append(failed)
                .append(" read=").append(read)
                .append(" violations=").append(violations.size());
        violations.stream().limit(SHOWN).forEach(v -> text.append("\n  ").append(v));
        if (violations.size() > SHOWN) {
            text.append("\n  ... and ").append(violations.size() - SHOWN).append(" more");
        }
        return text.toString();
    }
}
