package io.sluice.storage.epoch;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The leader epoch history of a partition: for each leader epoch, the first offset written in it (Kafka's
 * {@code LeaderEpochFileCache}, KIP-101/KIP-279). Followers use {@link #endOffsetFor} through the
 * OffsetForLeaderEpoch API to find where their log diverges from the leader's, and truncate there.
 *
 * <p>Every change is written to {@code leader-epoch-checkpoint} before the method returns (Kafka writes
 * truncations asynchronously; Sluice writes them synchronously, which is simpler and equally safe since the log
 * re-truncates the cache to its end offset on load). Write failures raise {@link KafkaStorageException}.
 *
 * <p>Thread-safe: a read-write lock guards the entries; readers (OffsetForLeaderEpoch, ListOffsets) do not block
 * each other.
 */
public final class LeaderEpochCache {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCache.class);
    private final TopicPartition topicPartition;
    private final LeaderEpochCheckpointFile checkpoint;
    private final TreeMap<Integer, EpochEntry> epochs = new TreeMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /**
     * Loads the cache from {@code checkpoint}.
     *
     * @throws KafkaStorageException if the file exists but cannot be read or is malformed
     */
    public LeaderEpochCache(TopicPartition topicPartition, LeaderEpochCheckpointFile checkpoint) {
        this.topicPartition = topicPartition;
        this.checkpoint = checkpoint;
        try {
            for (EpochEntry entry : checkpoint.read()) {
                assignInMemory(entry);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot read " + checkpoint.file() + " of " + topicPartition, e);
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. Does nothing if {@code epoch} is already the latest
     * epoch with a start offset at most {@code startOffset}. Entries that conflict with the new one (epoch at least
     * {@code epoch}, or start offset at least {@code startOffset}) are removed first, as in Kafka.
     *
     * @throws IllegalArgumentException if {@code epoch} or {@code startOffset} is negative
     */
    public void assign(int epoch, long startOffset) {
        EpochEntry entry = new EpochEntry(epoch, startOffset);
        lock.writeLock().lock();
        try {
            if (assignInMemory(entry)) {
                persist();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The latest epoch, or empty if no epoch is known. */
    public OptionalInt latestEpoch() {
        return latestEntry().map(e -> OptionalInt.of(e.epoch())).orElseGet(OptionalInt::empty);
    }

    public Optional<EpochEntry> latestEntry() {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(epochs.lastEntry()).map(Map.Entry::getValue);
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<EpochEntry> earliestEntry() {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(epochs.firstEntry()).map(Map.Entry::getValue);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The epoch in which {@code offset} was written: the latest epoch starting at or before it; empty if none. */
    public OptionalInt epochForOffset(long offset) {
        lock.readLock().lock();
        try {
            OptionalInt result = OptionalInt.empty();
            for (EpochEntry entry : epochs.values()) {
                if (entry.startOffset() > offset) {
                    break;
                }
                result = OptionalInt.of(entry.epoch());
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The end offset of {@code requestedEpoch}, as Kafka's {@code LeaderEpochFileCache.endOffsetFor}:
     * <ul>
     *   <li>{@code requestedEpoch == -1}: {@link EpochEndOffset#UNDEFINED};</li>
     *   <li>the latest epoch: {@code (requestedEpoch, logEndOffset)};</li>
     *   <li>an epoch larger than every known one: {@link EpochEndOffset#UNDEFINED};</li>
     *   <li>an epoch smaller than every known one: {@code (requestedEpoch, start offset of the first epoch)};</li>
     *   <li>otherwise {@code (largest known epoch ≤ requested, start offset of the next known epoch)}.</li>
     * </ul>
     *
     * @param logEndOffset the log end offset (exclusive), returned for the latest epoch
     */
    public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        lock.readLock().lock();
        try {
            if (requestedEpoch == EpochEndOffset.UNDEFINED_EPOCH) {
                return EpochEndOffset.UNDEFINED;
            }
            Map.Entry<Integer, EpochEntry> latest = epochs.lastEntry();
            if (latest != null && latest.getKey() == requestedEpoch) {
                return new EpochEndOffset(requestedEpoch, logEndOffset);
            }
            Map.Entry<Integer, EpochEntry> higher = epochs.higherEntry(requestedEpoch);
            if (higher == null) {
                return EpochEndOffset.UNDEFINED;
            }
            Map.Entry<Integer, EpochEntry> floor = epochs.floorEntry(requestedEpoch);
            if (floor == null) {
                return new EpochEndOffset(requestedEpoch, higher.getValue().startOffset());
            }
            return new EpochEndOffset(floor.getKey(), higher.getValue().startOffset());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Removes every entry whose start offset is at least {@code endOffset}; called when the log is truncated to
     * {@code endOffset} (exclusive end).
     */
    public void truncateFromEnd(long endOffset) {
        lock.writeLock().lock();
        try {
            Map.Entry<Integer, EpochEntry> latest = epochs.lastEntry();
            if (endOffset >= 0 && latest != null && latest.getValue().startOffset() >= endOffset) {
                List<EpochEntry> removed = removeWhile(epochs.descendingMap().entrySet().iterator(),
                    e -> e.startOffset() >= endOffset);
                LOG.debug("{}: removed epoch entries {} after truncating to end offset {}", topicPartition, removed,
                    endOffset);
                persist();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Drops epochs that lie wholly before {@code startOffset} and moves the start of the epoch containing it to
     * {@code startOffset}; called when the log start offset advances. An entry starting exactly at
     * {@code startOffset} is kept.
     */
    public void truncateFromStart(long startOffset) {
        lock.writeLock().lock();
        try {
            List<EpochEntry> removed = removeWhile(epochs.entrySet().iterator(), e -> e.startOffset() <= startOffset);
            if (!removed.isEmpty()) {
                EpochEntry last = removed.get(removed.size() - 1);
                epochs.put(last.epoch(), new EpochEntry(last.epoch(), startOffset));
                persist();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replaces the entries for offsets below {@code boundaryOffset} with {@code history}, keeping the entries
     * that start at or after it. A follower whose local log starts at the leader's local log start offset calls this
     * (through {@code PartitionLog.restoreLeaderEpochs}) with the leader epoch lineage of the tiered offsets read
     * from remote storage, as Kafka's {@code ReplicaFetcherTierStateMachine.buildRemoteLogAuxState} does, so that
     * OffsetForLeaderEpoch keeps answering for offsets that are no longer on local disk.
     *
     * <p>Entries of {@code history} starting at or after {@code boundaryOffset} are ignored (the local batches are
     * authoritative there). If the first kept entry has the same epoch as the last restored one, the restored entry
     * wins (that epoch started earlier than the local data shows).
     *
     * @param history        entries in increasing epoch order, start offsets strictly increasing too
     * @param boundaryOffset the first offset whose entries come from the local log (the local log start offset)
     * @throws IllegalArgumentException if {@code history} is not strictly increasing in epoch and start offset, or
     *                                  its last epoch below {@code boundaryOffset} is newer than the epoch of the
     *                                  first kept entry
     * @throws KafkaStorageException    if the checkpoint cannot be written
     */
    public void restoreHistory(List<EpochEntry> history, long boundaryOffset) {
        for (int i = 1; i < history.size(); i++) {
            EpochEntry previous = history.get(i - 1);
            EpochEntry entry = history.get(i);
            if (entry.epoch() <= previous.epoch() || entry.startOffset() <= previous.startOffset()) {
                throw new IllegalArgumentException("Leader epoch history of " + topicPartition
                    + " is not strictly increasing: " + previous + " then " + entry);
            }
        }
        List<EpochEntry> restored = history.stream().filter(e -> e.startOffset() < boundaryOffset).toList();
        lock.writeLock().lock();
        try {
            List<EpochEntry> kept = new ArrayList<>(epochs.values().stream()
                .filter(e -> e.startOffset() >= boundaryOffset).toList());
            if (!restored.isEmpty() && !kept.isEmpty()) {
                EpochEntry lastRestored = restored.get(restored.size() - 1);
                if (kept.get(0).epoch() < lastRestored.epoch()) {
                    throw new IllegalArgumentException("Restored leader epoch " + lastRestored + " of "
                        + topicPartition + " is newer than the local entry " + kept.get(0));
                }
                if (kept.get(0).epoch() == lastRestored.epoch()) {
                    kept.remove(0);
                }
            }
            epochs.clear();
            restored.forEach(e -> epochs.put(e.epoch(), e));
            kept.forEach(e -> epochs.put(e.epoch(), e));
            LOG.info("{}: restored leader epochs below offset {}: {}", topicPartition, boundaryOffset, restored);
            persist();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes every entry (the log was truncated fully). */
    public void clear() {
        lock.writeLock().lock();
        try {
            epochs.clear();
            persist();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** All entries in increasing epoch order. */
    public List<EpochEntry> epochEntries() {
        lock.readLock().lock();
        try {
            return List.copyOf(epochs.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    private boolean assignInMemory(EpochEntry entry) {
        Map.Entry<Integer, EpochEntry> latest = epochs.lastEntry();
        boolean updateNeeded = latest == null || latest.getKey() != entry.epoch()
            || entry.startOffset() < latest.getValue().startOffset();
        if (!updateNeeded) {
            return false;
        }
        List<EpochEntry> removed = removeWhile(epochs.descendingMap().entrySet().iterator(),
            e -> e.epoch() >= entry.epoch() || e.startOffset() >= entry.startOffset());
        if (removed.size() > 1 || (!removed.isEmpty() && removed.get(0).startOffset() != entry.startOffset())) {
            LOG.warn("{}: new epoch entry {} caused truncation of conflicting entries {}", topicPartition, entry,
                removed);
        }
        epochs.put(entry.epoch(), entry);
        return true;
    }

    private static List<EpochEntry> removeWhile(Iterator<Map.Entry<Integer, EpochEntry>> iterator,
                                                Predicate<EpochEntry> predicate) {
        List<EpochEntry> removed = new ArrayList<>();
        while (iterator.hasNext()) {
            EpochEntry entry = iterator.next().getValue();
            if (!predicate.test(entry)) {
                break;
            }
            removed.add(entry);
            iterator.remove();
        }
        return removed;
    }

    private void persist() {
        try {
            checkpoint.write(new ArrayList<>(epochs.values()));
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + checkpoint.file() + " of " + topicPartition, e);
        }
    }

    @Override
    public String toString() {
        return "LeaderEpochCache(" + topicPartition + ", " + epochEntries() + ")";
    }
}
