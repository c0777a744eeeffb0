package io.sluice.broker.concurrent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. Used where state must be touched by one task
 * at a time without locks or where order matters: each Kafka connection has one (requests of a connection start in
 * the order they arrived, so two produce requests of one producer are appended in order, while connections proceed in
 * parallel), and the group coordinator runs all its work on one (as Kafka's coordinator runtime runs one event at a
 * time per {@code __consumer_offsets} partition).
 *
 * <p>A task submitted while another runs (also from inside a task, e.g. a future callback) is queued behind it, never
 * run re-entrantly, so with a direct executor ({@code Runnable::run}) tests run everything on their own thread,
 * deterministically. A task that throws is logged and does not wedge the queue. If the executor rejects the drain
 * (it is shutting down), the queued tasks are dropped and the rejection is rethrown. Tasks must be short and must not
 * block: they share the executor.
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final String name;
    private final Executor executor;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    /**
     * @param name     what the tasks are, for the log line of a failing task (e.g. "request", "group coordinator")
     * @param executor where the tasks run
     */
    public SerialExecutor(String name, Executor executor) {
        this.name = name;
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
                log.error("{} task failed", name, e);
            }
        }
    }
}
