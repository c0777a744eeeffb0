package io.sluice.storage.log;

import io.sluice.storage.LogFileNames;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes segments the way Kafka does: their files are renamed to {@code *.deleted} at once (so a restart never
 * loads them again) and removed after {@code file.delete.delay.ms} on the injected scheduler, giving fetches that
 * are still sending those files with sendfile time to finish.
 */
final class SegmentDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentDeleter.class);
    private final TopicPartition topicPartition;
    private final ScheduledExecutorService scheduler;

    SegmentDeleter(TopicPartition topicPartition, ScheduledExecutorService scheduler) {
        this.topicPartition = topicPartition;
        this.scheduler = scheduler;
    }

    /**
     * Renames {@code segments} to {@code .deleted} now and deletes them after {@code delayMs} (at once when
     * {@code async} is false or the scheduler is shut down).
     */
    void delete(List<LogSegment> segments, long delayMs, boolean async) throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        for (LogSegment segment : segments) {
            segment.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
        }
        Runnable deleteFiles = () -> deleteNow(segments);
        if (!async) {
            deleteFiles.run();
            return;
        }
        try {
            scheduler.schedule(deleteFiles, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            deleteFiles.run();
        }
    }

    private void deleteNow(List<LogSegment> segments) {
        for (LogSegment segment : segments) {
            try {
                segment.deleteIfExists();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not delete files of segment {}", topicPartition, segment.baseOffset(), e);
            }
        }
        LOG.info("{}: deleted segment files of base offsets {}", topicPartition,
            segments.stream().map(LogSegment::baseOffset).toList());
    }
}
