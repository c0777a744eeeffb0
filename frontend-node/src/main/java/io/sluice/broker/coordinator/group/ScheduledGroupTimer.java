package io.sluice.broker.coordinator.group;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link GroupTimer} on a {@link ScheduledExecutorService}: when a delay passes, the task is handed to the event
 * loop, which runs it only if the key still maps to that very schedule (so a cancel or re-schedule that raced with
 * the firing wins). The key map is only touched on the event loop.
 */
final class ScheduledGroupTimer implements GroupTimer {
    private static final Logger log = LoggerFactory.getLogger(ScheduledGroupTimer.class);

    private final ScheduledExecutorService scheduler;
    private final Executor eventLoop;
    private final Map<Key, Scheduled> timers = new HashMap<>();

    private record Scheduled(ScheduledFuture<?> future) {
    }

    ScheduledGroupTimer(ScheduledExecutorService scheduler, Executor eventLoop) {
        this.scheduler = scheduler;
        this.eventLoop = eventLoop;
    }

    @Override
    public void schedule(Key key, long delayMs, Runnable task) {
        cancel(key);
        Scheduled[] self = new Scheduled[1];
        try {
            ScheduledFuture<?> future = scheduler.schedule(() -> eventLoop.execute(() -> {
                if (timers.get(key) == self[0]) {
                    timers.remove(key);
                    task.run();
                }
            }), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            self[0] = new Scheduled(future);
            timers.put(key, self[0]);
        } catch (RejectedExecutionException e) {
            log.warn("group timer {} not scheduled: the scheduler is shut down", key);
        }
    }

    @Override
    public void cancel(Key key) {
        Scheduled scheduled = timers.remove(key);
        if (scheduled != null) {
            cancel(scheduled);
        }
    }

    /**
     * Cancels the task and takes it out of the scheduler's queue, so that a scheduler shut down with long timers
     * pending (the offset expiry check waits minutes) terminates at once rather than when they would have fired.
     */
    private void cancel(Scheduled scheduled) {
        scheduled.future().cancel(false);
        if (scheduler instanceof ThreadPoolExecutor pool && scheduled.future() instanceof Runnable queued) {
            pool.remove(queued);
        }
    }

    @Override
    public void cancelGroup(String groupId) {
        timers.entrySet().removeIf(entry -> {
            if (entry.getKey().groupId().equals(groupId)) {
                cancel(entry.getValue());
                return true;
            }
            return false;
        });
    }

    @Override
    public void cancelAll() {
        timers.values().forEach(this::cancel);
        timers.clear();
    }
}
