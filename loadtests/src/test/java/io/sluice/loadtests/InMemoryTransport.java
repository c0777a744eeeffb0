package io.sluice.loadtests;

import io.sluice.loadtests.workload.PayloadFactory;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transport whose "broker" is a list of values per partition in memory, so the runner's orchestration
 * (budget, stop conditions, metrics, end-to-end latency) runs for real without a network.
 */
final class InMemoryTransport implements Transport {
    private final List<List<byte[]>> log = new ArrayList<>();
    private final Object appended = new Object();
    private final int failEvery;
    private final Hang hang;
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    /** How producers misbehave. */
    enum Hang {
        /** They do not: every send completes at once. */
        NONE,
        /** Each takes one record and never completes it, until the budget is stopped. */
        UNTIL_STOPPED,
        /** Each takes one record and blocks, ignoring the stop, until {@link #release()}. */
        IGNORING_STOP
    }
    private final AtomicLong sends = new AtomicLong();

    /**
     * @param partitions partitions of the in-memory topic
     * @param failEvery every n-th send fails with a {@code NotLeaderOrFollowerException}-named error; 0 for never
     * @param hang how producers misbehave
     */
    InMemoryTransport(int partitions, int failEvery, Hang hang) {
        for (int p = 0; p < partitions; p++) {
            log.add(new CopyOnWriteArrayList<>());
        }
        this.failEvery = failEvery;
        this.hang = hang;
    }

    /** Appends values to a partition as if an earlier run had produced them. */
    void preload(int partition, List<byte[]> values) {
        log.get(partition).addAll(values);
    }

    long recordsInLog() {
        return log.stream().mapToLong(List::size).sum();
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public int preparePartitions() {
        return log.size();
    }

    @Override
    public ProduceTask newProducer(int index, RunContext context) {
        return () -> {
            PayloadFactory payloads = new PayloadFactory(context.config().recordSize(), new Random(index));
            int partition = index % log.size();
            while (context.produceBudget().tryAcquire()) {
                if (hang != Hang.NONE) {
                    hang(context);
                    return;
                }
                context.rateLimiter().acquire(1);
                byte[] value = payloads.next(context.clock().nowMicros());
                long sent = context.time().nanoseconds();
                if (failEvery > 0 && sends.incrementAndGet() % failEvery == 0) {
                    context.metrics().produce().recordFailed("NotLeaderOrFollowerException", 1, context.time().nanoseconds());
                    continue;
                }
                log.get(partition).add(value);
                synchronized (appended) {
                    appended.notifyAll();
                }
                long now = context.time().nanoseconds();
                context.metrics().produce().recordCompleted(1, value.length, now);
                context.metrics().produceLatency().recordMicros((now - sent) / 1000);
                partition = (partition + 1) % log.size();
            }
        };
    }

    /** Lets producers blocked with {@link Hang#IGNORING_STOP} return. */
    void release() {
        release.countDown();
    }

    private void hang(RunContext context) {
        if (hang == Hang.IGNORING_STOP) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        synchronized (appended) {
            while (!context.produceBudget().isStopped()) {
                try {
                    appended.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public ConsumeTask newConsumer(int index, List<Integer> partitions, RunContext context) {
        return new ConsumeTask() {
            private final Map<Integer, Integer> positions = new HashMap<>();

            @Override
            public void prepare() {
                for (int p : partitions) {
                    positions.put(p, context.config().startPosition() == StartPosition.EARLIEST ? 0 : log.get(p).size());
                }
            }

            @Override
            public void run() {
                while (!context.consumersStopped()) {
                    boolean any = false;
                    for (int p : partitions) {
                        List<byte[]> values = log.get(p);
                        int position = positions.get(p);
                        while (position < values.size()) {
                            context.recordConsumed(0, values.get(position++));
                            any = true;
                        }
                        positions.put(p, position);
                    }
                    if (!any) {
                        synchronized (appended) {
                            try {
                                appended.wait(5);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
