package io.sluice.loadtests.http;

import io.sluice.loadtests.kafka.KafkaTransport;
import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives Sluice's HTTP record API ({@link SluiceHttpApi}) with one shared {@link HttpClient} (HTTP/1.1, a
 * pool of connections, many requests in flight).
 *
 * <p>The HTTP API has no topic creation or offset look-up, so when a Kafka bootstrap address is also given
 * the transport uses Kafka's Admin for those ({@link KafkaTransport}); without one, the topic must exist
 * with {@code --partitions} partitions, and consumers asked to start at the log end start at offset 0
 * instead (records sent before the run still get no end-to-end latency, see {@link RunContext}).
 */
public final class HttpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final LoadTestConfig config;
    private final HttpClient client;
    private final SluiceHttpApi api;
    private final KafkaTransport kafka;

    /** @param config the run's settings; {@code config.http()} must be set */
    public HttpTransport(LoadTestConfig config) {
        if (config.http() == null) {
            throw new IllegalArgumentException("the HTTP transport needs --http-url");
        }
        this.config = config;
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
        this.api = new SluiceHttpApi(config.http().baseUrl(), config.http().requestTimeout());
        this.kafka = config.kafka().bootstrapServers() == null ? null : new KafkaTransport(config);
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public int preparePartitions() throws Exception {
        if (kafka != null) {
            return kafka.preparePartitions();
        }
        LOG.info("no --bootstrap-servers: assuming topic={} exists with partitions={}", config.topic(), config.partitions());
        if (config.mode().consumes() && config.startPosition() == StartPosition.LATEST) {
            LOG.warn("no --bootstrap-servers to look up log end offsets: HTTP consumers start at offset 0");
        }
        return config.partitions();
    }

    @Override
    public ProduceTask newProducer(int index, RunContext context) {
        return new HttpProduceTask(index, client, api, context);
    }

    @Override
    public ConsumeTask newConsumer(int index, List<Integer> partitions, RunContext context) {
        return new HttpConsumeTask(partitions, client, api, context, this::startOffsets);
    }

    private Map<Integer, Long> startOffsets(List<Integer> partitions) throws Exception {
        if (config.startPosition() == StartPosition.LATEST && kafka != null) {
            return kafka.logEndOffsets(partitions);
        }
        Map<Integer, Long> offsets = new HashMap<>();
        partitions.forEach(p -> offsets.put(p, 0L));
        return offsets;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        // java.net.http.HttpClient gained close() only in Java 21; on 17 its threads end once it is unreachable.
    }
}
