package io.sluice.broker.coordinator.group;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the coordinator's tasks one at a time, in submission order, on a shared executor: all group state is
 * touched by one task at a time, so it needs no locks (the way Kafka's coordinator runtime runs one event at a time
 * per {@code __consumer_offsets} partition). A task submitted while another runs (also from inside a task, e.g. a
 * future callback) is queued behind it, never run re-entrantly, so with a direct executor ({@code Runnable::run})
 * tests run everything on their own thread, deterministically.
 *
 * <p>Tasks must be short and must never block: they share the executor with the coordinator's timers.
 */
final class GroupEventLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(GroupEventLoop.class);

    private final Executor executor;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    GroupEventLoop(Executor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
                tasks.clear();
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                log.error("group coordinator task failed", e);
            }
        }
    }
}
