package io.sluice.storage.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log ordered by base offset (Kafka's {@code LogSegments}). Backed by a concurrent skip list,
 * so readers iterate and look up segments without the log's lock while the writer adds and removes them.
 */
public final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    /** Adds (or replaces) the segment with its base offset. */
    public void add(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    public void remove(long baseOffset) {
        segments.remove(baseOffset);
    }

    public void clear() {
        segments.clear();
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public boolean contains(long baseOffset) {
        return segments.containsKey(baseOffset);
    }

    public Optional<LogSegment> get(long baseOffset) {
        return Optional.ofNullable(segments.get(baseOffset));
    }

    /** The segment that would contain {@code offset}: the one with the largest base offset at most it. */
    public Optional<LogSegment> floorSegment(long offset) {
        return Optional.ofNullable(segments.floorEntry(offset)).map(Map.Entry::getValue);
    }

    /** The segment with the smallest base offset above {@code offset}. */
    public Optional<LogSegment> higherSegment(long offset) {
        return Optional.ofNullable(segments.higherEntry(offset)).map(Map.Entry::getValue);
    }

    public Optional<LogSegment> firstSegment() {
        return Optional.ofNullable(segments.firstEntry()).map(Map.Entry::getValue);
    }

    public Optional<LogSegment> lastSegment() {
        return Optional.ofNullable(segments.lastEntry()).map(Map.Entry::getValue);
    }

    /** A snapshot of all segments, ascending. */
    public List<LogSegment> values() {
        return new ArrayList<>(segments.values());
    }

    /**
     * Segments that may hold offsets in {@code [from, to)}: the floor segment of {@code from} and every later one
     * with a base offset below {@code to}.
     */
    public List<LogSegment> values(long from, long to) {
        if (from == to) {
            return List.of();
        }
        Long floor = segments.floorKey(from);
        ConcurrentNavigableMap<Long, LogSegment> view = segments.subMap(floor == null ? from : floor, true, to, false);
        return new ArrayList<>(view.values());
    }

    /** Total size of the {@code .log} files in bytes. */
    public long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.size();
        }
        return size;
    }

    /** Closes every segment, attempting all even if some fail. */
    public void close() throws IOException {
        IOException first = null;
        for (LogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Releases every segment's handles without trimming or flushing. */
    public void closeHandlers() {
        for (LogSegment segment : segments.values()) {
            segment.closeHandlers();
        }
    }

    /** Removes {@code toRemove} from the lookup structure. */
    public void removeAll(Collection<LogSegment> toRemove) {
        for (LogSegment segment : toRemove) {
            segments.remove(segment.baseOffset(), segment);
        }
    }
}
