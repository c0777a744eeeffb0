package io.sluice.loadtests.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkBudgetTest {
    private final ManualTime time = new ManualTime();

    @Test
    void grantsExactlyTheRecordCountAcrossCallers() {
        WorkBudget budget = WorkBudget.of(250, Long.MAX_VALUE, time);
        budget.start();

        assertThat(budget.tryAcquire(100)).isEqualTo(100);
        assertThat(budget.tryAcquire(100)).isEqualTo(100);
        assertThat(budget.tryAcquire(100)).isEqualTo(50);
        assertThat(budget.tryAcquire(100)).isZero();
        assertThat(budget.tryAcquire()).isFalse();
    }

    @Test
    void threadsTogetherNeverExceedTheCount() throws InterruptedException {
        WorkBudget budget = WorkBudget.of(100_000, Long.MAX_VALUE, time);
        budget.start();
        AtomicLong granted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                int n;
                while ((n = budget.tryAcquire(7)) > 0) {
                    granted.addAndGet(n);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(granted.get()).isEqualTo(100_000);
    }

    @Test
    void theDurationRunsFromStartNotFromCreation() {
        WorkBudget budget = WorkBudget.of(WorkBudget.UNBOUNDED_COUNT, 1_000_000_000L, time);
        time.advanceMillis(5_000); // consumers being positioned
        budget.start();

        time.advanceMillis(999);
        assertThat(budget.tryAcquire()).isTrue();
        time.advanceMillis(1);
        assertThat(budget.tryAcquire()).isFalse();
        assertThat(budget.isStopped()).isTrue();
    }

    @Test
    void whicheverLimitComesFirstEndsTheBudget() {
        WorkBudget byCount = WorkBudget.of(3, 1_000_000_000L, time);
        byCount.start();
        assertThat(byCount.tryAcquire(10)).isEqualTo(3);
        assertThat(byCount.tryAcquire()).isFalse();

        WorkBudget byTime = WorkBudget.of(1_000_000, 1_000_000L, time);
        byTime.start();
        time.advanceMillis(2);
        assertThat(byTime.tryAcquire()).isFalse();
    }

    @Test
    void stopEndsItAtOnce() {
        WorkBudget budget = WorkBudget.of(10, Long.MAX_VALUE, time);
        budget.start();
        budget.stop();
        assertThat(budget.tryAcquire()).isFalse();
    }

    @Test
    void aBudgetWithoutAnyLimitOrUnstartedIsRefused() {
        assertThatThrownBy(() -> WorkBudget.of(WorkBudget.UNBOUNDED_COUNT, Long.MAX_VALUE, time))
            .isInstanceOf(IllegalArgumentException.class);
        WorkBudget notStarted = WorkBudget.of(10, Long.MAX_VALUE, time);
        assertThatThrownBy(notStarted::tryAcquire).isInstanceOf(IllegalStateException.class);
    }
}
