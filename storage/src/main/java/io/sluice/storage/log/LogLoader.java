package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import io.sluice.storage.index.CorruptIndexException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Loads a partition directory into segments and recovers it after a crash (Kafka's {@code LogLoader}).
 *
 * <ol>
 *   <li>Deletes leftovers: {@code *.deleted}, {@code *.cleaned}, {@code *.swap}, {@code *.tmp} files, and index
 *       files whose {@code .log} file is gone.</li>
 *   <li>Opens every {@code .log} file as a segment. A segment whose {@code .index} or {@code .timeindex} is
 *       missing, or fails its sanity check, gets its indexes rebuilt from the {@code .log} file.</li>
 *   <li>Without a clean shutdown, every segment from the one containing the recovery point to the end is
 *       scanned batch by batch, validating CRCs; the first invalid or incomplete batch and everything after it
 *       (later segments included) is removed. Data below the recovery point was fsynced and is trusted.</li>
 *   <li>The log end offset is the offset after the last batch; the active segment's indexes are preallocated
 *       again.</li>
 * </ol>
 *
 * Called before the log is visible to anyone; not thread-safe.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    private final Path dir;
    private final TopicPartition topicPartition;
    private final LogConfig config;
    private final Time time;
    private final Consumer<RecordBatch> onRecoveredBatch;

    /**
     * @param onRecoveredBatch called with every valid batch of a recovered segment, in offset order (the log
     *                         rebuilds leader epochs from it)
     */
    LogLoader(Path dir, TopicPartition topicPartition, LogConfig config, Time time,
              Consumer<RecordBatch> onRecoveredBatch) {
        this.dir = dir;
        this.topicPartition = topicPartition;
        this.config = config;
        this.time = time;
        this.onRecoveredBatch = onRecoveredBatch;
    }

    /**
     * Loads the directory. The log start offset is the checkpointed one, raised to the first segment's base offset
     * unless remote storage is enabled (then it may lie below the local segments: those offsets were tiered).
     */
    LoadedLog load(LogLoadParams params) throws IOException {
        TreeSet<Long> baseOffsets = removeLeftoversAndListSegments();
        LogSegments segments = new LogSegments();
        List<Long> recovered = new ArrayList<>();
        for (long baseOffset : baseOffsets) {
            boolean indexesExist = Files.exists(LogFileNames.offsetIndexFile(dir, baseOffset))
                && Files.exists(LogFileNames.timeIndexFile(dir, baseOffset));
            LogSegment segment = LogSegment.open(dir, baseOffset, config, time, true);
            segments.add(segment);
            if (!indexesExist) {
                LOG.warn("{}: index files of segment {} are missing; rebuilding them", topicPartition, baseOffset);
                recoverSegment(segments, segment, recovered);
            } else {
                try {
                    segment.sanityCheck();
                } catch (CorruptIndexException e) {
                    LOG.warn("{}: {}; rebuilding the indexes of segment {}", topicPartition, e.getMessage(),
                        baseOffset);
                    recoverSegment(segments, segment, recovered);
                }
            }
        }
        if (segments.isEmpty()) {
            segments.add(LogSegment.open(dir, params.logStartOffsetCheckpoint(), config, time, false));
        }
        long recoveryPoint = params.recoveryPointCheckpoint();
        if (!params.hadCleanShutdown()) {
            recoverUnflushed(segments, recoveryPoint, recovered);
        }
        LogSegment active = segments.lastSegment().orElseThrow();
        long logEndOffset = nextOffset(segments, active, recovered);
        active = segments.lastSegment().orElseThrow();
        active.resizeIndexes(config.segmentIndexBytes());
        long logStartOffset = logStartOffset(params.logStartOffsetCheckpoint(),
            segments.firstSegment().orElseThrow().baseOffset());
        recoveryPoint = params.hadCleanShutdown() ? logEndOffset : Math.min(recoveryPoint, logEndOffset);
        LOG.info("{}: loaded {} segments, log start offset {}, log end offset {}, recovery point {}{}",
            topicPartition, segments.numberOfSegments(), logStartOffset, logEndOffset, recoveryPoint,
            recovered.isEmpty() ? "" : ", recovered segments " + recovered);
        return new LoadedLog(segments, logStartOffset, recoveryPoint,
            new LogOffsetMetadata(logEndOffset, active.baseOffset(), active.size()));
    }

    /**
     * Kafka's rule ({@code LogLoader.load}): without remote storage the log cannot start before its first local
     * segment, so the checkpoint is raised to that segment's base offset; with remote storage the offsets below it
     * may be in remote storage, so the checkpointed log start offset is kept as is.
     */
    private long logStartOffset(long checkpoint, long firstSegmentBaseOffset) {
        return config.remoteStorageEnable() ? checkpoint : Math.max(checkpoint, firstSegmentBaseOffset);
    }

    private void recoverUnflushed(LogSegments segments, long recoveryPoint, List<Long> recovered) throws IOException {
        for (LogSegment segment : segments.values(recoveryPoint, Long.MAX_VALUE)) {
            if (!segments.contains(segment.baseOffset())) {
                break;
            }
            if (!recovered.contains(segment.baseOffset())) {
                recoverSegment(segments, segment, recovered);
            }
        }
    }

    /** Rebuilds {@code segment}; if bytes had to be cut, deletes every later segment. */
    private void recoverSegment(LogSegments segments, LogSegment segment, List<Long> recovered) throws IOException {
        int truncated = segment.recover(onRecoveredBatch);
        recovered.add(segment.baseOffset());
        if (truncated > 0) {
            List<LogSegment> later = new ArrayList<>();
            segments.higherSegment(segment.baseOffset()).ifPresent(first ->
                later.addAll(segments.values(first.baseOffset(), Long.MAX_VALUE)));
            if (!later.isEmpty()) {
                LOG.warn("{}: deleting segments {} after the corrupt tail of segment {}", topicPartition,
                    later.stream().map(LogSegment::baseOffset).toList(), segment.baseOffset());
                segments.removeAll(later);
                for (LogSegment dropped : later) {
                    dropped.deleteIfExists();
                }
            }
        }
    }

    private long nextOffset(LogSegments segments, LogSegment active, List<Long> recovered) throws IOException {
        try {
            return active.readNextOffset();
        } catch (CorruptRecordException | InvalidRecordException e) {
            LOG.warn("{}: active segment {} is corrupt although the shutdown was clean; recovering it",
                topicPartition, active.baseOffset());
            recoverSegment(segments, active, recovered);
            return active.readNextOffset();
        }
    }

    private TreeSet<Long> removeLeftoversAndListSegments() throws IOException {
        TreeSet<Long> logs = new TreeSet<>();
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                if (name.endsWith(LogFileNames.DELETED_SUFFIX) || name.endsWith(LogFileNames.CLEANED_SUFFIX)
                    || name.endsWith(LogFileNames.SWAP_SUFFIX) || name.endsWith(LogFileNames.TMP_SUFFIX)) {
                    LOG.info("{}: deleting leftover file {}", topicPartition, file);
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogFileNames.LOG_SUFFIX)) {
                    logs.add(LogFileNames.offsetFromFileName(name));
                } else if (name.endsWith(LogFileNames.INDEX_SUFFIX) || name.endsWith(LogFileNames.TIME_INDEX_SUFFIX)
                    || name.endsWith(LogFileNames.TXN_INDEX_SUFFIX)) {
                    indexes.add(file);
                }
            }
        }
        for (Path index : indexes) {
            long offset = LogFileNames.offsetFromFileName(index.getFileName().toString());
            if (!logs.contains(offset)) {
                LOG.warn("{}: deleting index {} whose log file is missing", topicPartition, index);
                Files.deleteIfExists(index);
            }
        }
        return logs;
    }
}
