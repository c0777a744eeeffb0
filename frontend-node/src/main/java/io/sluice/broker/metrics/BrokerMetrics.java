package io.sluice.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.broker.network.RequestObserver;
import io.sluice.broker.partition.Partition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The broker's metrics, exported in Prometheus text format on {@code /metrics}:
 * <ul>
 *   <li>{@code sluice_requests_seconds{api,protocol}}: request count and latency per API (Kafka protocol and HTTP)</li>
 *   <li>{@code sluice_bytes_in_bytes_total} / {@code sluice_bytes_out_bytes_total}: request and response bytes</li>
 *   <li>{@code sluice_partition_log_end_offset}, {@code sluice_partition_high_watermark},
 *       {@code sluice_partition_log_start_offset}, {@code sluice_partition_size_bytes} per {@code topic,partition}</li>
 *   <li>{@code sluice_partition_in_sync_replicas} per partition this broker leads; {@code sluice_partitions_under_replicated}
 *       (partitions this broker leads whose ISR is smaller than the replica set) and {@code sluice_partitions_offline}
 *       (partitions in the cluster without a live leader), as Kafka's UnderReplicatedPartitions and
 *       OfflinePartitionsCount</li>
 *   <li>JVM memory, GC, threads and CPU</li>
 * </ul>
 */
public final class BrokerMetrics implements RequestObserver {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<ApiKeys, Timer> kafkaTimers = new EnumMap<>(ApiKeys.class);
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Map<TopicPartition, List<Meter>> partitionMeters = new ConcurrentHashMap<>();

    public BrokerMetrics(int brokerId) {
        registry.config().commonTags("broker", Integer.toString(brokerId));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        bytesIn = Counter.builder("sluice.bytes.in").baseUnit("bytes")
                .description("request bytes received (Kafka protocol and HTTP)").register(registry);
        bytesOut = Counter.builder("sluice.bytes.out").baseUnit("bytes")
                .description("response bytes sent (Kafka protocol and HTTP)").register(registry);
        for (ApiKeys key : ApiKeys.values()) {
            kafkaTimers.put(key, requestTimer("kafka", key.name));
        }
    }

    private Timer requestTimer(String protocol, String api) {
        return Timer.builder("sluice.requests").tags(Tags.of("protocol", protocol, "api", api))
                .description("requests handled and their latency, from decoded to response queued")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    @Override
    public void onRequestCompleted(ApiKeys apiKey, boolean errorFree, long latencyNanos, int requestBytes,
                                   long responseBytes) {
        kafkaTimers.get(apiKey).record(latencyNanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(requestBytes);
        bytesOut.increment(responseBytes);
    }

    /** Records one HTTP request: {@code route} is the matched path template. */
    public void onHttpRequest(String route, long latencyNanos, long requestBytes, long responseBytes) {
        requestTimer("http", route).record(latencyNanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(requestBytes);
        bytesOut.increment(responseBytes);
    }

    /** Starts exporting a hosted partition's offsets. */
    public void partitionAdded(Partition partition) {
        TopicPartition tp = partition.topicPartition();
        Tags tags = Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition()));
        partitionMeters.put(tp, List.of(
                Gauge.builder("sluice.partition.log.end.offset", partition, Partition::logEndOffset).tags(tags)
                        .description("log end offset (next offset to be assigned)").register(registry),
                Gauge.builder("sluice.partition.high.watermark", partition, Partition::highWatermark).tags(tags)
                        .description("high watermark (offsets below it are committed)").register(registry),
                Gauge.builder("sluice.partition.log.start.offset", partition, Partition::logStartOffset).tags(tags)
                        .description("log start offset (earliest readable offset)").register(registry),
                Gauge.builder("sluice.partition.size", partition, p -> p.log().size()).tags(tags).baseUnit("bytes")
                        .description("bytes of the partition's local log segments").register(registry),
                Gauge.builder("sluice.partition.in.sync.replicas", partition, p -> p.state().isr().size()).tags(tags)
                        .description("ISR size as this broker last saw it").register(registry)));
    }

    /**
     * Registers the replication health gauges.
     *
     * @param hosted   the partitions this broker hosts
     * @param metadata the cluster metadata (for partitions without a live leader)
     */
    public void registerReplicationGauges(java.util.function.Supplier<java.util.Collection<Partition>> hosted,
                                          java.util.function.Supplier<io.sluice.metadata.MetadataImage> metadata) {
        Gauge.builder("sluice.partitions.under.replicated", hosted, h -> h.get().stream()
                        .filter(p -> p.isLeader() && p.state().isr().size() < p.state().replicas().size()).count())
                .description("partitions this broker leads whose ISR is smaller than their replica set")
                .strongReference(true).register(registry);
        Gauge.builder("sluice.partitions.offline", metadata, m -> {
            io.sluice.metadata.MetadataImage image = m.get();
            return image.topicsByName().values().stream().flatMap(t -> t.partitions().values().stream())
                    .filter(state -> !state.hasLeader() || image.broker(state.leader()).isEmpty()).count();
        }).description("partitions in the cluster without a live leader").strongReference(true).register(registry);
    }

    /** Stops exporting a partition that is no longer hosted. */
    public void partitionRemoved(TopicPartition tp) {
        List<Meter> meters = partitionMeters.remove(tp);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** @return the Prometheus text exposition of every metric */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
