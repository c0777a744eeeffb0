package io.sluice.loadtests.replay;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How far the brokers have moved a topic to the object store: every partition's {@link PartitionTiering}.
 *
 * <p>A partition is <em>settled</em> when at most one segment's worth of records is left on local disk. The active
 * segment is never uploaded nor deleted (KIP-405 uploads only sealed segments; Kafka never deletes the active
 * segment), so that one segment is the least the broker can keep; everything below it has been uploaded and, with a
 * small {@code local.retention.bytes}, deleted locally.
 *
 * @param partitions one entry per partition, sorted by partition id
 */
public record TieringProgress(List<PartitionTiering> partitions) {

    /** Sorts and copies {@code partitions}. */
    public TieringProgress {
        partitions = partitions.stream().sorted(Comparator.comparingInt(PartitionTiering::partition)).toList();
    }

    /** @return records in the topic: the sum of the log end offsets */
    public long totalRecords() {
        return partitions.stream().mapToLong(PartitionTiering::logEndOffset).sum();
    }

    /** @return records below their partition's local log start offset, all partitions together */
    public long remoteRecords() {
        return partitions.stream().mapToLong(PartitionTiering::remoteRecords).sum();
    }

    /** @return {@code remoteRecords / totalRecords}, in {@code [0, 1]}; 0 for an empty topic */
    public double remoteFraction() {
        long total = totalRecords();
        return total == 0 ? 0.0 : (double) remoteRecords() / total;
    }

    /**
     * @param maxRecordsPerSegment an upper bound on the records one segment holds
     * @return true if the topic has records and every partition keeps at most {@code maxRecordsPerSegment} records
     *     on local disk
     */
    public boolean isSettled(long maxRecordsPerSegment) {
        return totalRecords() > 0 && partitions.stream().allMatch(p -> p.localRecords() <= maxRecordsPerSegment);
    }

    /** @return one line for progress output, e.g. {@code remote 93.8% (p0 local start 15000 tiered to 14999 of 16000)} */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "remote %.1f%% of %,d records (", 100 * remoteFraction(), totalRecords()));
        for (int i = 0; i < partitions.size(); i++) {
            PartitionTiering p = partitions.get(i);
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "p%d local start %d, tiered to %d, end %d",
                p.partition(), p.localLogStartOffset(), p.highestTieredOffset(), p.logEndOffset()));
        }
        return b.append(')').toString();
    }
}
