package io.sluice.loadtests.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void spacesPermitsEvenlyAtTheTargetRate() {
        ManualTime time = new ManualTime();
        RateLimiter limiter = RateLimiter.create(1000, 1, time, time::park);
        long start = time.nanoseconds();

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            waits.add(limiter.acquire(1));
        }

        assertThat(waits.get(0)).isZero();
        assertThat(waits.subList(1, 11)).containsOnly(MS);
        assertThat(time.nanoseconds() - start).isEqualTo(10 * MS);
    }

    @Test
    void aBatchOfPermitsWaitsUntilItsLastPermitIsDue() {
        ManualTime time = new ManualTime();
        RateLimiter limiter = RateLimiter.create(1000, 1, time, time::park);

        assertThat(limiter.acquire(5)).isEqualTo(4 * MS);
        // The next permit is due 1 ms after the last of the batch.
        assertThat(limiter.acquire(1)).isEqualTo(MS);
    }

    @Test
    void keepsTheAverageRateWhenPermitsAreWorthLessThanANanosecondTick() {
        ManualTime time = new ManualTime();
        RateLimiter limiter = RateLimiter.create(3, 1, time, time::park);
        long start = time.nanoseconds();

        for (int i = 0; i < 301; i++) {
            limiter.acquire(1);
        }

        // 300 intervals of 1/3 s each: exactly 100 s, no drift from rounding 333,333,333.3 ns.
        assertThat(time.nanoseconds() - start).isBetween(100_000_000_000L, 100_000_000_001L);
    }

    @Test
    void aLateCallerCatchesUpByAtMostTheBurst() {
        ManualTime time = new ManualTime();
        RateLimiter limiter = RateLimiter.create(1000, 10, time, time::park);
        limiter.acquire(1);
        time.advanceMillis(1000); // idle for a second: 1000 permits' worth of schedule

        int withoutWaiting = 0;
        while (limiter.acquire(1) == 0) {
            withoutWaiting++;
        }

        // The burst (10) plus the permit due right now, not the 1000 the idle second would allow.
        assertThat(withoutWaiting).isEqualTo(11);
    }

    @Test
    void unlimitedNeverWaits() {
        RateLimiter limiter = RateLimiter.perSecond(null);
        assertThat(limiter.isUnlimited()).isTrue();
        assertThat(RateLimiter.perSecond(0.0).isUnlimited()).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.acquire(100)).isZero();
        }
    }

    @Test
    void rejectsNonsenseArguments() {
        ManualTime time = new ManualTime();
        assertThatThrownBy(() -> RateLimiter.create(0, 1, time, time::park)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.create(Double.NaN, 1, time, time::park)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.create(10, 0, time, time::park)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.create(10, 1, time, time::park).acquire(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onTheRealClockWaitsByParkingNotSpinning() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RateLimiter limiter = RateLimiter.perSecond(200.0);
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();

        for (int i = 0; i < 41; i++) {
            limiter.acquire(1);
        }

        long wall = System.nanoTime() - wallStart;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        // 40 intervals of 5 ms cannot pass in less than 200 ms ...
        assertThat(wall).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(199));
        // ... and a limiter that spun would burn about as much CPU as wall time.
        assertThat(cpu).isLessThan(wall / 2);
    }

    @Test
    void sharedByThreadsTheTotalRateHolds() throws InterruptedException {
        RateLimiter limiter = RateLimiter.perSecond(1000.0);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 30; i++) {
                    limiter.acquire(1);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        // 120 permits at 1000/s: the last is due 119 ms after the first.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(118));
    }
}
