package io.sluice.loadtests.replay;

import io.sluice.loadtests.metrics.ErrorCounts;
import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.workload.MicrosClock;
import io.sluice.loadtests.workload.PayloadFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Time;

/**
 * Fills the replay topic: sends a fixed number of null-keyed records as fast as the producer takes them,
 * round-robin over the partitions (record {@code i} goes to partition {@code i % partitions}), so every partition
 * gets the same number of records and rolls its segments at about the same offsets. Values are
 * {@link PayloadFactory} values (the send time, then random letters).
 *
 * <p>Failed records are counted by exception class name, not retried. Not thread-safe; the producer belongs to the
 * caller, who closes it.
 */
public final class BulkLoader {
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final int recordSize;
    private final Time time;

    /**
     * @param producer the producer ({@code acks}, batching and serializers as the caller configured it)
     * @param topic the topic
     * @param partitions its partition count
     * @param recordSize value size in bytes
     * @param time clock for the elapsed time
     */
    public BulkLoader(Producer<byte[], byte[]> producer, String topic, int partitions, int recordSize, Time time) {
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.recordSize = recordSize;
        this.time = time;
    }

    /**
     * Sends {@code records} records and waits for all of them to be acknowledged or failed ({@code flush}).
     *
     * @param records how many records
     * @param progress where a progress line goes every 10 s, or {@code null}
     * @return acknowledged records and their value bytes, over the time from the first send to the end of the flush,
     *     and the failed records by kind
     */
    public StageSummary load(long records, PrintWriter progress) {
        PayloadFactory payloads = new PayloadFactory(recordSize, new Random(42));
        MicrosClock clock = new MicrosClock(time);
        AtomicLong acked = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ErrorCounts errors = new ErrorCounts();
        long start = time.nanoseconds();
        long nextProgress = start + PROGRESS_INTERVAL.toNanos();
        for (long i = 0; i < records; i++) {
            byte[] value = payloads.next(clock.nowMicros());
            producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value), (metadata, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                    bytes.addAndGet(value.length);
                } else {
                    errors.add(error, 1);
                }
            });
            if (progress != null && (i & 1023) == 0 && time.nanoseconds() >= nextProgress) {
                progress.println(String.format(Locale.ROOT, "  load: %,d of %,d records sent, %,d acknowledged", i + 1,
                    records, acked.get()));
                progress.flush();
                nextProgress += PROGRESS_INTERVAL.toNanos();
            }
        }
        producer.flush();
        return StageSummary.of(acked.get(), bytes.get(), time.nanoseconds() - start, errors.snapshot());
    }
}
