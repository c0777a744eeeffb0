package io.sluice.metadata.producer;

import io.sluice.metadata.ProducerIdBlock;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Hands out producer ids one at a time from blocks reserved in the metadata store, like Kafka's
 * {@code RPCProducerIdManager}: when 90% of the current block is used it fetches the next block in the background, so
 * InitProducerId rarely waits.
 *
 * <p>Two ways to ask: {@link #generateProducerId()} never waits and throws
 * {@link CoordinatorLoadInProgressException} (COORDINATOR_LOAD_IN_PROGRESS, retriable; what Kafka answers) while a
 * block is being fetched; {@link #nextProducerId()} returns a future that completes once an id is available. Ids are
 * unique across brokers and restarts because blocks are (see {@code MetadataStore.allocateProducerIdBlock}).
 * Thread-safe.
 */
public final class ProducerIdManager {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerIdManager.class);
    private static final double PREFETCH_THRESHOLD = 0.9;

    private final int brokerId;
    private final IntFunction<CompletableFuture<ProducerIdBlock>> allocator;
    private final Queue<CompletableFuture<Long>> waiting = new ArrayDeque<>();
    private ProducerIdBlock current;
    private long nextId;
    private ProducerIdBlock prefetched;
    private CompletableFuture<ProducerIdBlock> inFlight;

    /**
     * @param brokerId  the broker asking (recorded with each block)
     * @param allocator reserves the next block, normally {@code store::allocateProducerIdBlock}
     */
    public ProducerIdManager(int brokerId, IntFunction<CompletableFuture<ProducerIdBlock>> allocator) {
        this.brokerId = brokerId;
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * The next producer id, without waiting.
     *
     * @throws CoordinatorLoadInProgressException if no id is available until the next block arrives (a fetch is
     *         then under way); the client retries
     */
    public synchronized long generateProducerId() {
        Long id = takeId();
        if (id == null) {
            fetchIfIdle();
            throw new CoordinatorLoadInProgressException("Producer ID block is full. Waiting for next block");
        }
        return id;
    }

    /**
     * The next producer id; completes at once when one is available, otherwise when the next block arrives. Fails
     * with the store's error if fetching a block fails.
     */
    public synchronized CompletableFuture<Long> nextProducerId() {
        if (waiting.isEmpty()) {
            Long id = takeId();
            if (id != null) {
                return CompletableFuture.completedFuture(id);
            }
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        waiting.add(future);
        fetchIfIdle();
        return future;
    }

    /** Takes an id from the current or the prefetched block; starts a prefetch past the threshold. Null if none. */
    private Long takeId() {
        if ((current == null || nextId > current.lastProducerId()) && prefetched != null) {
            current = prefetched;
            nextId = current.firstProducerId();
            prefetched = null;
        }
        if (current == null || nextId > current.lastProducerId()) {
            return null;
        }
        long id = nextId++;
        if (prefetched == null && nextId - current.firstProducerId() >= (long) (current.size() * PREFETCH_THRESHOLD)) {
            fetchIfIdle();
        }
        return id;
    }

    private void fetchIfIdle() {
        if (inFlight != null || prefetched != null) {
            return;
        }
        CompletableFuture<ProducerIdBlock> fetch = allocator.apply(brokerId);
        inFlight = fetch;
        fetch.whenComplete(this::onBlock);
    }

    private void onBlock(ProducerIdBlock block, Throwable error) {
        synchronized (this) {
            inFlight = null;
            if (error != null) {
                LOG.warn("Broker {} could not reserve a producer id block: {}", brokerId, error.getMessage());
                while (!waiting.isEmpty()) {
                    waiting.poll().completeExceptionally(error);
                }
                return;
            }
            LOG.info("Broker {} reserved producer ids {}..{}", brokerId, block.firstProducerId(),
                block.lastProducerId());
            prefetched = block;
            while (!waiting.isEmpty()) {
                Long id = takeId();
                if (id == null) {
                    fetchIfIdle();
                    return;
                }
                waiting.poll().complete(id);
            }
        }
    }
}
