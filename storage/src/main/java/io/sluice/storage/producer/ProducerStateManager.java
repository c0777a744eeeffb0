package io.sluice.storage.producer;

import io.sluice.storage.AppendOrigin;
import io.sluice.storage.LogFileNames;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Idempotent producer state of one partition (Kafka's {@code ProducerStateManager}, without transactions): for
 * every producer id its epoch and last five batches, so that a retried batch is answered with its original
 * offsets instead of being appended twice, and sequence gaps are detected.
 *
 * <p><b>Persistence:</b> the state covers the log up to {@link #mapEndOffset()} (exclusive). It is written to
 * {@code <20-digit offset>.snapshot} files ({@link ProducerSnapshotFile}) when a segment rolls and on clean
 * shutdown. On load, {@link #truncateAndReload} restores the newest valid snapshot at or below the log end offset
 * and the log replays the batches after it.
 *
 * <p><b>Expiration:</b> a producer whose last batch timestamp is {@code producer.id.expiration.ms} old is
 * forgotten by {@link #removeExpiredProducers}; its next batch is accepted with any sequence number.
 *
 * <p>Not thread-safe: every method is called under the owning log's lock.
 */
public final class ProducerStateManager {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);
    private final TopicPartition topicPartition;
    private final Path logDir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    private final TreeMap<Long, Path> snapshots = new TreeMap<>();
    private long producerIdExpirationMs;
    private long lastMapOffset;
    private long lastSnapOffset;

    /**
     * Creates the manager of {@code logDir} and lists its snapshot files (their content is read by
     * {@link #truncateAndReload}).
     *
     * @param producerIdExpirationMs Kafka's {@code producer.id.expiration.ms}
     */
    public ProducerStateManager(TopicPartition topicPartition, Path logDir, long producerIdExpirationMs)
        throws IOException {
        this.topicPartition = topicPartition;
        this.logDir = logDir;
        this.producerIdExpirationMs = producerIdExpirationMs;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir, "*" + LogFileNames.SNAPSHOT_SUFFIX)) {
            for (Path file : files) {
                try {
                    snapshots.put(LogFileNames.offsetFromFileName(file.getFileName().toString()), file);
                } catch (NumberFormatException e) {
                    LOG.warn("{}: ignoring file {} that is not a producer snapshot", topicPartition, file);
                }
            }
        }
    }

    public void setProducerIdExpirationMs(long producerIdExpirationMs) {
        this.producerIdExpirationMs = producerIdExpirationMs;
    }

    /** The state of {@code producerId}, if known. */
    public Optional<ProducerStateEntry> lastEntry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** Starts validating an append of {@code producerId}; apply it with {@link #update} once appended. */
    public ProducerAppendInfo prepareUpdate(long producerId, AppendOrigin origin) {
        ProducerStateEntry current = producers.getOrDefault(producerId, ProducerStateEntry.empty(producerId));
        return new ProducerAppendInfo(topicPartition, producerId, current, origin);
    }

    /** Applies the state built by {@code appendInfo}. */
    public void update(ProducerAppendInfo appendInfo) {
        ProducerStateEntry updated = appendInfo.toEntry();
        ProducerStateEntry current = producers.get(appendInfo.producerId());
        if (current == null) {
            producers.put(appendInfo.producerId(), updated);
        } else {
            current.update(updated);
        }
    }

    /** Marks the state as covering the log up to {@code offset} (exclusive). */
    public void updateMapEndOffset(long offset) {
        lastMapOffset = offset;
    }

    /** The log offset (exclusive) up to which this state is built. */
    public long mapEndOffset() {
        return lastMapOffset;
    }

    /** An unmodifiable copy of the producers' state, keyed by producer id. */
    public Map<Long, ProducerStateEntry> activeProducers() {
        return Collections.unmodifiableMap(new HashMap<>(producers));
    }

    /** Writes a snapshot at {@link #mapEndOffset()} unless one exists there already. */
    public void takeSnapshot() throws IOException {
        if (lastMapOffset > lastSnapOffset) {
            Path file = LogFileNames.producerSnapshotFile(logDir, lastMapOffset);
            ProducerSnapshotFile.write(file, producers.values());
            snapshots.put(lastMapOffset, file);
            lastSnapOffset = lastMapOffset;
            LOG.debug("{}: wrote producer snapshot at offset {} with {} producer ids", topicPartition, lastMapOffset,
                producers.size());
        }
    }

    /** Offset of the newest snapshot file, if any. */
    public OptionalLong latestSnapshotOffset() {
        return snapshots.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshots.lastKey());
    }

    /** Offsets of all snapshot files, ascending. */
    public List<Long> snapshotOffsets() {
        return new ArrayList<>(snapshots.keySet());
    }

    /**
     * Rebuilds the in-memory state for a log spanning {@code [logStartOffset, logEndOffset)}: deletes snapshots
     * above the log end offset or at/below the log start offset (as Kafka), then loads the newest remaining valid
     * snapshot (corrupt ones are deleted and skipped), dropping expired producers. Afterwards
     * {@link #mapEndOffset()} is the snapshot's offset (or the log start offset if none); the caller replays the
     * log from there to {@code logEndOffset}.
     */
    public void truncateAndReload(long logStartOffset, long logEndOffset, long currentTimeMs) throws IOException {
        for (Long offset : new ArrayList<>(snapshots.keySet())) {
            if (offset > logEndOffset || offset <= logStartOffset) {
                removeAndDeleteSnapshot(offset);
            }
        }
        if (logEndOffset != lastMapOffset) {
            producers.clear();
            loadFromSnapshot(logStartOffset, currentTimeMs);
        } else {
            onLogStartOffsetIncremented(logStartOffset);
        }
    }

    /** Forgets every producer and deletes every snapshot; the state now starts at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        producers.clear();
        for (Long snapshotOffset : new ArrayList<>(snapshots.keySet())) {
            removeAndDeleteSnapshot(snapshotOffset);
        }
        lastSnapOffset = 0L;
        lastMapOffset = offset;
    }

    /** Moves the map end offset forward to the new log start offset if it lags behind. */
    public void onLogStartOffsetIncremented(long logStartOffset) {
        if (lastMapOffset < logStartOffset) {
            lastMapOffset = logStartOffset;
        }
        lastSnapOffset = latestSnapshotOffset().orElse(logStartOffset);
    }

    /** Deletes the snapshot files below {@code offset} (their segments were deleted). */
    public void deleteSnapshotsBefore(long offset) throws IOException {
        for (Long snapshotOffset : new ArrayList<>(snapshots.headMap(offset, false).keySet())) {
            removeAndDeleteSnapshot(snapshotOffset);
        }
    }

    /**
     * Forgets producers whose last batch timestamp is at least {@code producer.id.expiration.ms} before
     * {@code currentTimeMs}.
     *
     * @return the number of producer ids removed
     */
    public int removeExpiredProducers(long currentTimeMs) {
        int before = producers.size();
        producers.values().removeIf(entry -> isExpired(entry, currentTimeMs));
        return before - producers.size();
    }

    private boolean isExpired(ProducerStateEntry entry, long currentTimeMs) {
        return currentTimeMs - entry.lastTimestamp() >= producerIdExpirationMs;
    }

    private void loadFromSnapshot(long logStartOffset, long currentTimeMs) throws IOException {
        while (!snapshots.isEmpty()) {
            Map.Entry<Long, Path> latest = snapshots.lastEntry();
            try {
                List<ProducerStateEntry> entries = ProducerSnapshotFile.read(latest.getValue());
                for (ProducerStateEntry entry : entries) {
                    if (!isExpired(entry, currentTimeMs)) {
                        producers.put(entry.producerId(), entry);
                    }
                }
                lastSnapOffset = latest.getKey();
                lastMapOffset = latest.getKey();
                LOG.info("{}: loaded producer state of {} producer ids from snapshot at offset {}", topicPartition,
                    producers.size(), latest.getKey());
                return;
            } catch (CorruptSnapshotException e) {
                LOG.warn("{}: deleting corrupt producer snapshot {}: {}", topicPartition, latest.getValue(),
                    e.getMessage());
                removeAndDeleteSnapshot(latest.getKey());
            }
        }
        lastSnapOffset = logStartOffset;
        lastMapOffset = logStartOffset;
    }

    private void removeAndDeleteSnapshot(long offset) throws IOException {
        Path file = snapshots.remove(offset);
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
