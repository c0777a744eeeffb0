package io.sluice.metadata.producer;

import io.sluice.metadata.ProducerIdBlock;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unit tests with a hand-driven allocator; the etcd-backed allocator is tested in ProducerIdBlocksTest. */
class ProducerIdManagerTest {

    private final List<CompletableFuture<ProducerIdBlock>> requests = new ArrayList<>();
    private final ProducerIdManager manager = new ProducerIdManager(1, brokerId -> {
        CompletableFuture<ProducerIdBlock> f = new CompletableFuture<>();
        requests.add(f);
        return f;
    });

    @Test
    void answersCoordinatorLoadInProgressUntilTheFirstBlockArrives() {
        assertThatThrownBy(manager::generateProducerId).isInstanceOf(CoordinatorLoadInProgressException.class);
        assertThatThrownBy(manager::generateProducerId).isInstanceOf(CoordinatorLoadInProgressException.class);
        assertThat(requests).as("one fetch at a time").hasSize(1);

        requests.get(0).complete(new ProducerIdBlock(5000, 10));

        assertThat(manager.generateProducerId()).isEqualTo(5000);
        assertThat(manager.generateProducerId()).isEqualTo(5001);
    }

    @Test
    void prefetchesAtNinetyPercentAndSwitchesBlocksWithoutAGap() {
        CompletableFuture<Long> first = manager.nextProducerId();
        requests.get(0).complete(new ProducerIdBlock(0, 10));
        assertThat(first).isCompletedWithValue(0L);

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(manager.generateProducerId());
        }
        assertThat(requests).as("9 of 10 used: prefetch started").hasSize(2);
        requests.get(1).complete(new ProducerIdBlock(1000, 10));
        ids.add(manager.generateProducerId());
        ids.add(manager.generateProducerId());

        assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 1000L);
    }

    @Test
    void waitersAreServedInOrderWhenABlockArrives() {
        CompletableFuture<Long> a = manager.nextProducerId();
        CompletableFuture<Long> b = manager.nextProducerId();
        assertThat(a).isNotDone();

        requests.get(0).complete(new ProducerIdBlock(100, 1));
        assertThat(a).isCompletedWithValue(100L);
        assertThat(b).as("the one-id block is used up: another is fetched").isNotDone();
        requests.get(1).complete(new ProducerIdBlock(200, 1));
        assertThat(b).isCompletedWithValue(200L);
    }

    @Test
    void allocationFailuresReachWaitersAndAreRetriedOnTheNextAsk() {
        CompletableFuture<Long> a = manager.nextProducerId();
        requests.get(0).completeExceptionally(new TimeoutException("etcd down"));
        assertThat(a).isCompletedExceptionally();

        CompletableFuture<Long> b = manager.nextProducerId();
        requests.get(1).complete(new ProducerIdBlock(0, 5));
        assertThat(b).isCompletedWithValue(0L);
    }
}
