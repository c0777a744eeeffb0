package io.sluice.storage.producer;

import io.sluice.storage.AppendOrigin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the batches one producer appends in one request against its state, and collects the state they
 * lead to (Kafka's {@code ProducerAppendInfo}, idempotent part; transactions are not supported). Nothing changes
 * in {@link ProducerStateManager} until {@link ProducerStateManager#update} is called after the append succeeded.
 *
 * <p>Rules, as Kafka 4.x for data batches of idempotent producers:
 * <ul>
 *   <li>an epoch older than the current one: {@link InvalidProducerEpochException} (INVALID_PRODUCER_EPOCH; Kafka
 *       answers this instead of PRODUCER_FENCED since 2.7) from clients, a warning for replication;</li>
 *   <li>a new (larger) epoch must start at sequence 0, unless the producer is unknown:
 *       {@link OutOfOrderSequenceException} (OUT_OF_ORDER_SEQUENCE_NUMBER);</li>
 *   <li>the same epoch must continue at {@code lastSeq + 1} (wrapping after {@link Integer#MAX_VALUE}):
 *       otherwise {@link OutOfOrderSequenceException}. A producer id without state accepts any sequence
 *       (its earlier batches may have been deleted by retention).</li>
 * </ul>
 * Sequence checks apply to {@link AppendOrigin#CLIENT} appends only.
 *
 * <p>Not thread-safe: used under the log's lock.
 */
public final class ProducerAppendInfo {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerAppendInfo.class);
    private final TopicPartition topicPartition;
    private final long producerId;
    private final ProducerStateEntry currentEntry;
    private final ProducerStateEntry updatedEntry;
    private final AppendOrigin origin;

    public ProducerAppendInfo(TopicPartition topicPartition, long producerId, ProducerStateEntry currentEntry,
                              AppendOrigin origin) {
        this.topicPartition = topicPartition;
        this.producerId = producerId;
        this.currentEntry = currentEntry;
        this.updatedEntry = currentEntry.withoutBatches();
        this.origin = origin;
    }

    public long producerId() {
        return producerId;
    }

    /**
     * Validates {@code batch} (offsets already assigned) and records it.
     *
     * @throws InvalidProducerEpochException if the batch's epoch is older than the producer's (clients only)
     * @throws OutOfOrderSequenceException   if the sequence does not continue the producer's (clients only)
     */
    public void append(RecordBatch batch) {
        appendDataBatch(batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(), batch.maxTimestamp(),
            batch.baseOffset(), batch.lastOffset());
    }

    /** As {@link #append(RecordBatch)}, from the batch's fields. */
    public void appendDataBatch(short epoch, int firstSeq, int lastSeq, long lastTimestamp, long firstOffset,
                                long lastOffset) {
        checkProducerEpoch(epoch, firstOffset);
        if (origin == AppendOrigin.CLIENT) {
            checkSequence(epoch, firstSeq, firstOffset);
        }
        updatedEntry.addBatch(epoch, lastSeq, lastOffset, (int) (lastOffset - firstOffset), lastTimestamp);
    }

    /** The state after the validated batches. */
    ProducerStateEntry toEntry() {
        return updatedEntry;
    }

    private void checkProducerEpoch(short producerEpoch, long offset) {
        short current = updatedEntry.producerEpoch();
        if (producerEpoch < current) {
            String message = "Epoch of producer " + producerId + " at offset " + offset + " in " + topicPartition
                + " is " + producerEpoch + ", which is smaller than the last seen epoch " + current;
            if (origin == AppendOrigin.REPLICATION) {
                LOG.warn(message);
            } else {
                throw new InvalidProducerEpochException(message);
            }
        }
    }

    private void checkSequence(short producerEpoch, int appendFirstSeq, long offset) {
        if (producerEpoch != updatedEntry.producerEpoch()) {
            if (appendFirstSeq != 0 && updatedEntry.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                    + producerId + " at offset " + offset + " in partition " + topicPartition + ": " + producerEpoch
                    + " (request epoch), " + appendFirstSeq + " (seq. number), " + updatedEntry.producerEpoch()
                    + " (current producer epoch)");
            }
            return;
        }
        int currentLastSeq;
        if (!updatedEntry.isEmpty()) {
            currentLastSeq = updatedEntry.lastSeq();
        } else if (producerEpoch == currentEntry.producerEpoch()) {
            currentLastSeq = currentEntry.lastSeq();
        } else {
            currentLastSeq = RecordBatch.NO_SEQUENCE;
        }
        if (!(currentEntry.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH
            || inSequence(currentLastSeq, appendFirstSeq))) {
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                + " at offset " + offset + " in partition " + topicPartition + ": " + appendFirstSeq
                + " (incoming seq. number), " + currentLastSeq + " (current end sequence number)");
        }
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }
}
