package io.sluice.broker.concurrent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {
    @Test
    void aTaskSubmittedFromInsideATaskRunsAfterIt() {
        SerialExecutor loop = new SerialExecutor("test", Runnable::run);
        List<String> order = new ArrayList<>();

        loop.execute(() -> {
            order.add("outer start");
            loop.execute(() -> order.add("inner"));
            order.add("outer end");
        });

        assertThat(order).containsExactly("outer start", "outer end", "inner");
    }

    @Test
    void aFailingTaskDoesNotStopTheLoop() {
        SerialExecutor loop = new SerialExecutor("test", Runnable::run);
        List<String> order = new ArrayList<>();

        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        loop.execute(() -> order.add("after"));

        assertThat(order).containsExactly("after");
    }

    @Test
    void tasksFromManyThreadsNeverOverlap() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        SerialExecutor loop = new SerialExecutor("test", pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2_000);
        try {
            for (int i = 0; i < 2_000; i++) {
                pool.execute(() -> loop.execute(() -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    running.decrementAndGet();
                    done.countDown();
                }));
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxRunning.get()).isEqualTo(1);
    }
}
