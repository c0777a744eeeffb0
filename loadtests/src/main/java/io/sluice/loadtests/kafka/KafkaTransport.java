package io.sluice.loadtests.kafka;

import io.sluice.loadtests.workload.KafkaSettings;
import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Drives any broker over the Kafka protocol with the stock Java clients: one {@code KafkaProducer} per
 * producer, one {@code KafkaConsumer} with {@code assign()} per consumer, and an {@link Admin} for topic
 * creation. The admin client is created on first use and closed with the transport.
 */
public final class KafkaTransport implements Transport {
    /** Bound on each admin call made before the run starts. */
    public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final LoadTestConfig config;
    private final KafkaSettings settings;
    private Admin admin;

    /**
     * @param config the run's settings; {@code config.kafka().bootstrapServers()} must be set
     * @throws IllegalArgumentException if no bootstrap address is configured
     */
    public KafkaTransport(LoadTestConfig config) {
        if (config.kafka().bootstrapServers() == null) {
            throw new IllegalArgumentException("the Kafka transport needs --bootstrap-servers");
        }
        this.config = config;
        this.settings = config.kafka();
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public int preparePartitions() throws ExecutionException, InterruptedException, TimeoutException {
        return TopicSetup.ensureTopic(admin(), config.topic(), config.partitions(), config.replicationFactor(), ADMIN_TIMEOUT);
    }

    /**
     * @param partitions partition ids
     * @return each partition's log end offset
     * @throws ExecutionException with the broker's error as its cause
     * @throws TimeoutException if the broker does not answer within {@link #ADMIN_TIMEOUT}
     */
    public Map<Integer, Long> logEndOffsets(List<Integer> partitions)
        throws ExecutionException, InterruptedException, TimeoutException {
        return TopicSetup.logEndOffsets(admin(), config.topic(), partitions, ADMIN_TIMEOUT);
    }

    @Override
    public ProduceTask newProducer(int index, RunContext context) {
        return new KafkaProduceTask(index, KafkaClientConfigs.producer(settings, "sluice-loadgen-producer-" + index), context);
    }

    @Override
    public ConsumeTask newConsumer(int index, List<Integer> partitions, RunContext context) {
        boolean earliest = config.startPosition() == StartPosition.EARLIEST;
        return new KafkaConsumeTask(index, KafkaClientConfigs.consumer(settings, "sluice-loadgen-consumer-" + index, earliest),
            partitions, context);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(KafkaClientConfigs.admin(settings));
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(ADMIN_TIMEOUT);
            admin = null;
        }
    }
}
