package io.sluice.loadtests.kafka;

import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KafkaConsumer} reading its share of the partitions with {@code assign()} (no consumer group, no
 * commits), from the log start or log end offset. {@link #prepare()} resolves every position before
 * returning, so records produced afterwards are not skipped when starting at the end.
 *
 * <p>A failing {@code poll} is counted under its exception's class name and retried after
 * {@link #ERROR_BACKOFF}; after {@link #MAX_CONSECUTIVE_ERRORS} failures in a row this consumer gives up.
 */
final class KafkaConsumeTask implements Transport.ConsumeTask {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumeTask.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ERROR_BACKOFF = Duration.ofMillis(100);
    static final int MAX_CONSECUTIVE_ERRORS = 50;

    private final int index;
    private final Properties props;
    private final List<TopicPartition> partitions;
    private final RunContext context;
    private Consumer<byte[], byte[]> consumer;

    KafkaConsumeTask(int index, Properties props, List<Integer> partitions, RunContext context) {
        this.index = index;
        this.props = props;
        this.partitions = partitions.stream().map(p -> new TopicPartition(context.config().topic(), p)).toList();
        this.context = context;
    }

    @Override
    public void prepare() {
        consumer = new KafkaConsumer<>(props);
        consumer.assign(partitions);
        if (context.config().startPosition() == StartPosition.EARLIEST) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        for (TopicPartition tp : partitions) {
            long position = consumer.position(tp, POSITION_TIMEOUT);
            LOG.debug("consumer={} partition={} startOffset={}", index, tp, position);
        }
    }

    @Override
    public void run() {
        int consecutiveErrors = 0;
        while (!context.consumersStopped()) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    context.recordConsumed(record.key() == null ? 0 : record.key().length, record.value());
                }
                consecutiveErrors = 0;
            } catch (KafkaException e) {
                context.metrics().consume().recordFailed(e, 1, context.time().nanoseconds());
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    LOG.error("consumer={} giving up after {} failed polls in a row: {}", index, consecutiveErrors, e.toString());
                    return;
                }
                LockSupport.parkNanos(ERROR_BACKOFF.toNanos());
            }
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
    }
}
