package io.sluice.storage;

import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.Optional;

/**
 * File and directory names of Kafka's on-disk layout (Kafka's {@code LogFileUtils} and {@code UnifiedLog} naming).
 *
 * <p>A partition lives in a directory {@code <topic>-<partition>} of a log dir. Inside it every segment is named by
 * its base offset written as 20 zero-padded decimal digits: {@code 00000000000000000000.log},
 * {@code .index}, {@code .timeindex}; producer snapshots are {@code <20-digit offset>.snapshot}. Files being
 * deleted carry the extra suffix {@code .deleted}; a deleted partition directory is renamed to
 * {@code <topic>-<partition>.<32 hex digits>-delete}.
 */
public final class LogFileNames {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TIME_INDEX_SUFFIX = ".timeindex";
    public static final String TXN_INDEX_SUFFIX = ".txnindex";
    public static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** Suffix added to a file scheduled for deletion (Kafka's {@code DELETED_FILE_SUFFIX}). */
    public static final String DELETED_SUFFIX = ".deleted";
    /** Leftovers of Kafka's log cleaner; Sluice never writes them but removes them at load, as Kafka does. */
    public static final String CLEANED_SUFFIX = ".cleaned";
    public static final String SWAP_SUFFIX = ".swap";
    /** Suffix of a temporary file written before an atomic rename. */
    public static final String TMP_SUFFIX = ".tmp";
    /** Suffix of a partition directory whose topic was deleted. */
    public static final String DELETE_DIR_SUFFIX = "-delete";

    private LogFileNames() {
    }

    /** The 20-digit zero-padded decimal form of {@code offset}, e.g. {@code 00000000000000000042}. */
    public static String filenamePrefixFromOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Negative offset " + offset);
        }
        return String.format("%020d", offset);
    }

    public static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + LOG_SUFFIX);
    }

    public static Path offsetIndexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + INDEX_SUFFIX);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + TIME_INDEX_SUFFIX);
    }

    public static Path producerSnapshotFile(Path dir, long offset) {
        return dir.resolve(filenamePrefixFromOffset(offset) + SNAPSHOT_SUFFIX);
    }

    /**
     * The offset a segment, index or snapshot file name starts with ({@code 00000000000000000042.log} → 42).
     *
     * @throws NumberFormatException if the name does not start with digits followed by a dot
     */
    public static long offsetFromFileName(String fileName) {
        int dot = fileName.indexOf('.');
        if (dot <= 0) {
            throw new NumberFormatException("Not an offset-named file: " + fileName);
        }
        return Long.parseLong(fileName.substring(0, dot));
    }

    /** The directory name of a partition: {@code <topic>-<partition>}. */
    public static String partitionDirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /**
     * Parses a partition directory name {@code <topic>-<partition>}; the partition is the text after the last
     * dash, so topics containing dashes work.
     *
     * @return empty if the name is not a partition directory (no dash, empty topic, non-numeric or negative
     *         partition, or a {@code -delete} directory)
     */
    public static Optional<TopicPartition> parsePartitionDirName(String dirName) {
        if (dirName.endsWith(DELETE_DIR_SUFFIX)) {
            return Optional.empty();
        }
        int dash = dirName.lastIndexOf('-');
        if (dash <= 0 || dash == dirName.length() - 1) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(dirName.substring(dash + 1));
            if (partition < 0) {
                return Optional.empty();
            }
            return Optional.of(new TopicPartition(dirName.substring(0, dash), partition));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The name a deleted partition directory is renamed to: {@code <topic>-<partition>.<uniqueId>-delete}, as
     * Kafka's {@code UnifiedLog.logDeleteDirName}. The topic part is shortened if the whole name would exceed
     * 255 characters.
     */
    public static String deleteDirName(TopicPartition tp, String uniqueId) {
        String suffix = "-" + tp.partition() + "." + uniqueId + DELETE_DIR_SUFFIX;
        String topic = tp.topic();
        int maxTopicLength = Math.max(0, 255 - suffix.length());
        if (topic.length() > maxTopicLength) {
            topic = topic.substring(0, maxTopicLength);
        }
        return topic + suffix;
    }
}
