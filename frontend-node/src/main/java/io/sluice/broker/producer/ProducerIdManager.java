package io.sluice.broker.producer;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.ProducerIdBlock;

import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids for InitProducerId from a block reserved in etcd (Kafka's {@code ProducerIdManager},
 * KIP-730): ids are unique across brokers and restarts because each block is reserved with a compare-and-swap on
 * a counter in etcd, and a restarted broker reserves a new block rather than reusing its old one.
 */
public final class ProducerIdManager {
    private final int brokerId;
    private final MetadataStore store;
    private ProducerIdBlock block;
    private long next;
    private CompletableFuture<ProducerIdBlock> pending;

    public ProducerIdManager(int brokerId, MetadataStore store) {
        this.brokerId = brokerId;
        this.store = store;
    }

    /**
     * @return the next unused producer id; completes after an etcd round trip when the current block is used up
     *         (exceptionally with a Kafka TimeoutException if etcd cannot be reached)
     */
    public synchronized CompletableFuture<Long> nextProducerId() {
        if (block != null && next <= block.lastProducerId()) {
            return CompletableFuture.completedFuture(next++);
        }
        CompletableFuture<ProducerIdBlock> allocation = pending;
        if (allocation == null) {
            allocation = store.allocateProducerIdBlock(brokerId);
            pending = allocation;
            allocation.whenComplete((allocated, error) -> {
                synchronized (this) {
                    pending = null;
                    if (error == null) {
                        block = allocated;
                        next = allocated.firstProducerId();
                    }
                }
            });
        }
        return allocation.thenCompose(allocated -> nextProducerId());
    }
}
