package io.sluice.storage.producer;

import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The state of one producer id in one partition (Kafka's {@code ProducerStateEntry}): its current epoch, the
 * metadata of its last {@value #NUM_BATCHES_TO_RETAIN} batches (the number of in-flight requests an idempotent
 * producer may have, so any retry is among them) and the timestamp of its last batch (for expiration).
 *
 * <p>Not thread-safe: owned by {@link ProducerStateManager}, used under the log's lock.
 */
public final class ProducerStateEntry {
    /** Batches remembered per producer: Kafka's {@code NUM_BATCHES_TO_RETAIN}, the max in-flight requests. */
    public static final int NUM_BATCHES_TO_RETAIN = 5;

    private final long producerId;
    private final Deque<BatchMetadata> batchMetadata = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);
    private short producerEpoch;
    private int coordinatorEpoch;
    private long lastTimestamp;

    public ProducerStateEntry(long producerId, short producerEpoch, int coordinatorEpoch, long lastTimestamp,
                              Optional<BatchMetadata> firstBatch) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.coordinatorEpoch = coordinatorEpoch;
        this.lastTimestamp = lastTimestamp;
        firstBatch.ifPresent(batchMetadata::add);
    }

    /** A producer id never seen before: no epoch ({@code -1}), no batches. */
    public static ProducerStateEntry empty(long producerId) {
        return new ProducerStateEntry(producerId, RecordBatch.NO_PRODUCER_EPOCH, -1, RecordBatch.NO_TIMESTAMP,
            Optional.empty());
    }

    public long producerId() {
        return producerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    public int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    public long lastTimestamp() {
        return lastTimestamp;
    }

    /** True if no batch is remembered. */
    public boolean isEmpty() {
        return batchMetadata.isEmpty();
    }

    /** Sequence of the first record of the oldest remembered batch, or -1. */
    public int firstSeq() {
        return isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.getFirst().firstSeq();
    }

    /** Sequence of the last record of the newest remembered batch, or -1. */
    public int lastSeq() {
        return isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.getLast().lastSeq();
    }

    /** Offset of the first record of the oldest remembered batch, or -1. */
    public long firstDataOffset() {
        return isEmpty() ? -1L : batchMetadata.getFirst().firstOffset();
    }

    /** Offset of the last record of the newest remembered batch, or -1. */
    public long lastDataOffset() {
        return isEmpty() ? -1L : batchMetadata.getLast().lastOffset();
    }

    /** {@code lastOffset - firstOffset} of the newest remembered batch, or 0. */
    public int lastOffsetDelta() {
        return isEmpty() ? 0 : batchMetadata.getLast().offsetDelta();
    }

    /** The remembered batches, oldest first. */
    public List<BatchMetadata> batchMetadata() {
        return List.copyOf(batchMetadata);
    }

    /**
     * The remembered batch that {@code batch} is a retry of: same producer epoch and the same first and last
     * sequence numbers.
     */
    public Optional<BatchMetadata> findDuplicateBatch(RecordBatch batch) {
        if (batch.producerEpoch() != producerEpoch) {
            return Optional.empty();
        }
        return batchWithSequenceRange(batch.baseSequence(), batch.lastSequence());
    }

    Optional<BatchMetadata> batchWithSequenceRange(int firstSeq, int lastSeq) {
        return batchMetadata.stream()
            .filter(b -> b.firstSeq() == firstSeq && b.lastSeq() == lastSeq)
            .findFirst();
    }

    /** Remembers a batch, switching to {@code epoch} (and forgetting older batches) if it is a new epoch. */
    void addBatch(short epoch, int lastSeq, long lastOffset, int offsetDelta, long timestamp) {
        maybeUpdateProducerEpoch(epoch);
        addBatchMetadata(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp));
        this.lastTimestamp = timestamp;
    }

    /** Folds the batches and epoch of {@code next} (built by {@link ProducerAppendInfo}) into this entry. */
    void update(ProducerStateEntry next) {
        maybeUpdateProducerEpoch(next.producerEpoch);
        for (BatchMetadata batch : next.batchMetadata) {
            addBatchMetadata(batch);
        }
        this.coordinatorEpoch = next.coordinatorEpoch;
        this.lastTimestamp = next.lastTimestamp;
    }

    /** A copy carrying the epoch and timestamps but no batches, the starting point of an append. */
    ProducerStateEntry withoutBatches() {
        return new ProducerStateEntry(producerId, producerEpoch, coordinatorEpoch, lastTimestamp, Optional.empty());
    }

    private void maybeUpdateProducerEpoch(short epoch) {
        if (producerEpoch != epoch) {
            batchMetadata.clear();
            producerEpoch = epoch;
        }
    }

    private void addBatchMetadata(BatchMetadata batch) {
        if (batchMetadata.size() == NUM_BATCHES_TO_RETAIN) {
            batchMetadata.removeFirst();
        }
        batchMetadata.addLast(batch);
    }

    @Override
    public String toString() {
        return "ProducerStateEntry(producerId=" + producerId + ", producerEpoch=" + producerEpoch
            + ", lastTimestamp=" + lastTimestamp + ", batchMetadata=" + batchMetadata + ")";
    }
}
