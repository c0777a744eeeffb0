package io.sluice.loadtests.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failed records (or requests) counted by kind: a Kafka exception's simple class name
 * ({@code NotLeaderOrFollowerException}, {@code TimeoutException}) or an HTTP status ({@code HTTP 503}).
 * Thread-safe.
 */
public final class ErrorCounts {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /**
     * @param kind what went wrong, e.g. {@code "HTTP 503"}
     * @param records how many records the failure affected, at least 1
     */
    public void add(String kind, long records) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).add(records);
    }

    /**
     * Counts a failure under the simple class name of its cause, unwrapping {@link ExecutionException} and
     * {@link CompletionException} first.
     *
     * @param error the failure
     * @param records how many records it affected, at least 1
     */
    public void add(Throwable error, long records) {
        add(kindOf(error), records);
    }

    /** @return the simple class name of {@code error}'s cause, after unwrapping future wrappers */
    public static String kindOf(Throwable error) {
        Throwable t = error;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    /** @return records failed, all kinds together */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** @return a sorted copy: kind to records failed */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((kind, n) -> copy.put(kind, n.sum()));
        return copy;
    }
}
