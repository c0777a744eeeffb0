package io.sluice.tiering.objectstore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final InMemoryObjectStore memory = new InMemoryObjectStore();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private RetryingObjectStore retrying(RetryPolicy policy) {
        return new RetryingObjectStore(memory, new Retrier(policy, scheduler));
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCapWithJitterTakenOff() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5);
        assertThat(policy.delayBefore(2, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayBefore(3, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delayBefore(5, () -> 0.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.delayBefore(6, () -> 0.0)).as("capped").isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayBefore(3, () -> 1.0)).as("full jitter of 0.5").isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delayBefore(3, () -> 0.5)).isEqualTo(Duration.ofMillis(150));

        ObjectStoreException throttled = ObjectStoreException.of(ObjectStoreException.Kind.THROTTLED, "slow down");
        ObjectStoreException denied = ObjectStoreException.of(ObjectStoreException.Kind.ACCESS_DENIED, "no");
        assertThat(policy.shouldRetry(1, throttled)).isTrue();
        assertThat(policy.shouldRetry(10, throttled)).as("attempts used up").isFalse();
        assertThat(policy.shouldRetry(1, denied)).isFalse();
        assertThat(policy.shouldRetry(1, new java.util.concurrent.CompletionException(throttled))).isTrue();
        assertThat(policy.shouldRetry(1, new IllegalStateException())).isFalse();
    }

    @Test
    void retriableFailuresAreRetriedAfterAScheduledDelayWithoutBlockingTheCaller() throws Exception {
        memory.failNext(InMemoryObjectStore.Operation.PUT, 3, ObjectStoreException.Kind.THROTTLED);
        RetryingObjectStore store = retrying(new RetryPolicy(5, Duration.ofMillis(200), Duration.ofMillis(400), 2.0,
            0.0));

        CompletableFuture<Void> put = store.put("k", ByteBuffer.wrap(new byte[] {1, 2, 3}));

        assertThat(put).as("the first attempt failed at once; the retry waits on the scheduler").isNotDone();
        put.get(10, TimeUnit.SECONDS);
        assertThat(memory.calls(InMemoryObjectStore.Operation.PUT)).isEqualTo(4);
        assertThat(store.retrier().retries()).isEqualTo(3);
        assertThat(memory.keys()).containsExactly("k");
    }

    @Test
    void aNonRetriableFailureIsNotRetriedAndExhaustedRetriesReturnTheLastFailure() {
        RetryingObjectStore store = retrying(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 2.0, 0.5));

        memory.failNext(1, ObjectStoreException.Kind.ACCESS_DENIED);
        assertThatThrownBy(() -> store.get("k").get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(ObjectStoreException.class)
            .extracting(e -> ((ObjectStoreException) e).kind()).isEqualTo(ObjectStoreException.Kind.ACCESS_DENIED);
        assertThat(memory.calls(InMemoryObjectStore.Operation.GET)).isEqualTo(1);

        memory.setAvailable(false);
        assertThatThrownBy(() -> store.list("").get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(ObjectStoreException.class)
            .extracting(e -> ((ObjectStoreException) e).isRetriable()).isEqualTo(true);
        assertThat(memory.calls(InMemoryObjectStore.Operation.LIST)).isEqualTo(3);
        assertThat(store.retrier().exhausted()).isEqualTo(1);

        memory.setAvailable(true);
        assertThatThrownBy(() -> store.get("missing").get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(ObjectNotFoundException.class);
        assertThat(memory.calls(InMemoryObjectStore.Operation.GET)).as("not found is final").isEqualTo(2);
    }
}
