package io.sluice.tiering.remote;

import io.sluice.storage.epoch.EpochEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The leader epoch lineage of a partition (its {@code leader-epoch-checkpoint} entries: epoch → first offset, in
 * increasing order) cut to a segment, as Kafka's {@code RemoteLogManager} does for each uploaded segment.
 */
public final class LeaderEpochLineage {

    /** Kafka's checkpoint format version. */
    public static final int CHECKPOINT_VERSION = 0;

    private LeaderEpochLineage() {
    }

    /**
     * The epochs that wrote offsets in {@code [baseOffset, lastOffset]}: the entry in force at {@code baseOffset}
     * (clamped to start there) and every later entry starting at or before {@code lastOffset}. If the lineage does
     * not reach back to {@code baseOffset} (its first entry starts later), that first entry is clamped to
     * {@code baseOffset}.
     *
     * @param lineage the partition's entries, in increasing epoch and offset order
     * @throws IllegalArgumentException if no entry starts at or before {@code lastOffset}
     */
    public static NavigableMap<Integer, Long> forSegment(List<EpochEntry> lineage, long baseOffset, long lastOffset) {
        NavigableMap<Integer, Long> out = new TreeMap<>();
        EpochEntry inForce = null;
        for (EpochEntry e : lineage) {
            if (e.startOffset() <= baseOffset) {
                inForce = e;
            } else if (e.startOffset() <= lastOffset) {
                if (inForce == null && out.isEmpty()) {
                    out.put(e.epoch(), baseOffset);
                } else {
                    out.put(e.epoch(), e.startOffset());
                }
            }
        }
        if (inForce != null) {
            out.put(inForce.epoch(), baseOffset);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No leader epoch covers offsets [" + baseOffset + ", " + lastOffset
                + "] in " + lineage);
        }
        return out;
    }

    /** The entries starting at or before {@code lastOffset}: the lineage as it stood at the segment's end. */
    public static List<EpochEntry> upTo(List<EpochEntry> lineage, long lastOffset) {
        List<EpochEntry> out = new ArrayList<>();
        for (EpochEntry e : lineage) {
            if (e.startOffset() <= lastOffset) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The entries in Kafka's {@code leader-epoch-checkpoint} text format: version, count, then {@code epoch offset}
     * per line.
     */
    public static byte[] toCheckpoint(List<EpochEntry> entries) {
        StringBuilder text = new StringBuilder();
        text.append(CHECKPOINT_VERSION).append('\n').append(entries.size()).append('\n');
        for (EpochEntry e : entries) {
            text.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses the checkpoint format.
     *
     * @throws IllegalArgumentException if the text is not a version-0 checkpoint with as many entries as it says
     */
    public static List<EpochEntry> fromCheckpoint(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 2 || !lines[0].trim().equals(String.valueOf(CHECKPOINT_VERSION))) {
            throw new IllegalArgumentException("not a version " + CHECKPOINT_VERSION + " leader epoch checkpoint");
        }
        int count = Integer.parseInt(lines[1].trim());
        if (lines.length != 2 + count) {
            throw new IllegalArgumentException("checkpoint says " + count + " entries but has " + (lines.length - 2));
        }
        List<EpochEntry> out = new ArrayList<>(count);
        for (int i = 2; i < lines.length; i++) {
            String[] parts = lines[i].trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("malformed checkpoint line '" + lines[i] + "'");
            }
            out.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
        }
        return out;
    }
}
