package io.sluice.broker.coordinator.group;

import io.sluice.storage.ManualTime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A {@link GroupTimer} on a {@link ManualTime}: tasks fire, in deadline order, only when the test calls
 * {@link #advance}, on the test's thread through the coordinator's event loop.
 */
final class ManualGroupTimer implements GroupTimer {
    private final ManualTime time;
    private final Map<Key, Entry> entries = new HashMap<>();
    private Executor loop;
    private long sequence;

    private record Entry(long deadlineMs, long sequence, Key key, Runnable task) {
    }

    ManualGroupTimer(ManualTime time) {
        this.time = time;
    }

    ManualGroupTimer attach(Executor eventLoop) {
        this.loop = eventLoop;
        return this;
    }

    @Override
    public void schedule(Key key, long delayMs, Runnable task) {
        entries.put(key, new Entry(time.milliseconds() + Math.max(0, delayMs), sequence++, key, task));
    }

    @Override
    public void cancel(Key key) {
        entries.remove(key);
    }

    @Override
    public void cancelGroup(String groupId) {
        entries.keySet().removeIf(key -> key.groupId().equals(groupId));
    }

    @Override
    public void cancelAll() {
        entries.clear();
    }

    /** @return whether a timer of this kind is pending for the group */
    boolean isScheduled(Key key) {
        return entries.containsKey(key);
    }

    /** Moves the clock forward in steps to each due deadline, running the due tasks in deadline order. */
    void advance(long ms) {
        long target = time.milliseconds() + ms;
        while (true) {
            Entry next = entries.values().stream()
                    .filter(entry -> entry.deadlineMs() <= target)
                    .min(Comparator.comparingLong(Entry::deadlineMs).thenComparingLong(Entry::sequence))
                    .orElse(null);
            if (next == null) {
                break;
            }
            if (next.deadlineMs() > time.milliseconds()) {
                time.advance(next.deadlineMs() - time.milliseconds());
            }
            entries.remove(next.key());
            loop.execute(next.task());
        }
        if (target > time.milliseconds()) {
            time.advance(target - time.milliseconds());
        }
    }

    List<Key> pending() {
        return new ArrayList<>(entries.keySet());
    }
}
