package io.sluice.broker.tiering;

import io.sluice.metadata.remote.RemoteSegmentMetadata;
import org.apache.kafka.common.Uuid;

import java.util.List;

/**
 * What {@link RemoteLogChecker#check} found for one partition.
 *
 * @param registrations the registrations read, sorted by base offset (every state)
 * @param violations    every broken promise, one line each, starting with its kind ({@code GAP}, {@code OVERLAP},
 *                      {@code WRONG_PARTITION}, {@code BAD_KEY}, {@code MISSING_OBJECT}, {@code SIZE_MISMATCH},
 *                      {@code READABLE_HOLE}, {@code UNCOLLECTABLE_OBJECT}; see {@link RemoteLogChecker})
 * @param deleteStarted registrations in {@code DELETE_STARTED} (not a violation by themselves)
 * @param orphans       unreferenced objects the orphan collector will remove once old enough, one line each with
 *                      size and write time (not a violation)
 */
public record RemoteLogReport(Uuid topicId, int partition, List<RemoteSegmentMetadata> registrations,
                              List<String> violations, List<RemoteSegmentMetadata> deleteStarted,
                              List<String> orphans) {
    private static final int SHOWN = 20;

    public RemoteLogReport {
        registrations = List.copyOf(registrations);
        violations = List.copyOf(violations);
        deleteStarted = List.copyOf(deleteStarted);
        orphans = List.copyOf(orphans);
    }

    /** Whether no promise is broken. */
    public boolean ok() {
        return violations.isEmpty();
    }

    /** The lowest registered offset (inclusive), or -1 if nothing is registered. */
    public long firstOffset() {
        return registrations.isEmpty() ? -1 : registrations.get(0).baseOffset();
    }

    /** The highest registered offset (inclusive), or -1 if nothing is registered. */
    public long lastOffset() {
        return registrations.isEmpty() ? -1 : registrations.get(registrations.size() - 1).lastOffset();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("remote log of ").append(topicId).append('-').append(partition)
                .append(": ").append(registrations.size()).append(" registrations, offsets [").append(firstOffset())
                .append(", ").append(lastOffset()).append("], ").append(deleteStarted.size())
                .append(" DELETE_STARTED, ").append(orphans.size()).append(" collectable orphans, ")
                .append(violations.size()).append(" violations");
        violations.stream().limit(SHOWN).forEach(v -> text.append("\n  ").append(v));
        if (violations.size() > SHOWN) {
            text.append("\n  ... and ").append(violations.size() - SHOWN).append(" more");
        }
        orphans.stream().limit(SHOWN).forEach(o -> text.append("\n  orphan: ").append(o));
        return text.toString();
    }
}
