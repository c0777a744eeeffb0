package io.sluice.broker.cluster;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The record batches a replica holds for one partition, read straight from its segment files
 * ({@code <log dir>/<topic>-<partition>/<20-digit base offset>.log}, in base-offset order) with kafka-clients'
 * {@link FileRecords}. Files are opened read-only and never trimmed, so reading a running broker's log is safe; a
 * batch still being written at the end of the active segment is not returned.
 */
public final class ReplicaBatches {
    private ReplicaBatches() {
    }

    /**
     * One batch's identity on disk.
     *
     * @param baseOffset           first offset of the batch (inclusive)
     * @param lastOffset           last offset of the batch (inclusive)
     * @param partitionLeaderEpoch the leader epoch stamped by the leader that appended it (not covered by the CRC)
     * @param crc                  the batch's CRC-32C (covers attributes through the records)
     */
    public record Batch(long baseOffset, long lastOffset, int partitionLeaderEpoch, long crc) {
        @Override
        public String toString() {
            return "[" + baseOffset + ".." + lastOffset + " e" + partitionLeaderEpoch + " crc "
                    + Long.toHexString(crc) + "]";
        }
    }

    /** The partition's directory under a broker's log dir. */
    public static Path partitionDir(Path logDir, TopicPartition tp) {
        return logDir.resolve(tp.topic() + "-" + tp.partition());
    }

    /**
     * Every complete batch of the partition in the broker's log dir, in offset order; empty if the broker has no
     * directory for it.
     */
    public static List<Batch> read(Path logDir, TopicPartition tp) throws IOException {
        Path dir = partitionDir(logDir, tp);
        List<Batch> batches = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return batches;
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
        for (Path segment : segments) {
            FileRecords records = FileRecords.open(segment.toFile(), false);
            try {
                for (FileChannelRecordBatch batch : records.batches()) {
                    batches.add(new Batch(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                            batch.checksum()));
                }
            } finally {
                records.closeHandlers();
            }
        }
        return batches;
    }
}
