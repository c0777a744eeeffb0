package io.sluice.broker.tiering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.sluice.tiering.read.RemoteLogReader;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link RemoteLogManager}'s metrics, registered on the broker's registry ({@code BrokerMetrics.registry()}):
 * <ul>
 *   <li>{@code sluice.remote.copy.segments} / {@code sluice.remote.copy.bytes}: segments and {@code .log} bytes
 *       uploaded and registered by this broker (counters; Kafka's {@code RemoteCopyRequestsPerSec} /
 *       {@code RemoteCopyBytesPerSec});</li>
 *   <li>{@code sluice.remote.copy.errors}: failed uploads or registrations (Kafka's
 *       {@code RemoteCopyErrorsPerSec});</li>
 *   <li>{@code sluice.remote.delete.segments}: remote segments deleted by retention;
 *       {@code sluice.remote.orphans.deleted}: unregistered objects removed;</li>
 *   <li>{@code sluice.partition.remote.log.end.offset{topic,partition}}: one past the highest offset registered in
 *       remote storage (exclusive end, 0 when nothing is), for each partition this broker leads and copies; -1 until
 *       known.</li>
 * </ul>
 * Thread-safe.
 */
public final class RemoteLogMetrics {
    private final MeterRegistry registry;
    private final Counter segments;
    private final Counter bytes;
    private final Counter errors;
    private final Counter deletedSegments;
    private final Counter orphans;
    private final Map<TopicPartition, PartitionGauge> partitions = new ConcurrentHashMap<>();

    private record PartitionGauge(AtomicLong value, Gauge gauge) {
    }

    public RemoteLogMetrics(MeterRegistry registry) {
        this.registry = registry;
        segments = Counter.builder("sluice.remote.copy.segments")
                .description("segments uploaded to remote storage and registered").register(registry);
        bytes = Counter.builder("sluice.remote.copy.bytes").baseUnit("bytes")
                .description("bytes of .log files uploaded to remote storage and registered").register(registry);
        errors = Counter.builder("sluice.remote.copy.errors")
                .description("segment uploads or registrations that failed (retried later)").register(registry);
        deletedSegments = Counter.builder("sluice.remote.delete.segments")
                .description("remote segments deleted by retention (Kafka's RemoteDeleteRequestsPerSec)")
                .register(registry);
        orphans = Counter.builder("sluice.remote.orphans.deleted")
                .description("unregistered objects removed by the orphan collector").register(registry);
    }

    void segmentCopied(long sizeInBytes) {
        segments.increment();
        bytes.increment(sizeInBytes);
    }

    void segmentsDeleted(int count) {
        deletedSegments.increment(count);
    }

    void orphansDeleted(int count) {
        orphans.increment(count);
    }

    void copyFailed() {
        errors.increment();
    }

    /** Sets the remote log end offset (exclusive) of {@code tp}, registering its gauge on first use. */
    void remoteLogEndOffset(TopicPartition tp, long offset) {
        partitions.computeIfAbsent(tp, key -> {
            AtomicLong value = new AtomicLong(-1);
            Gauge gauge = Gauge.builder("sluice.partition.remote.log.end.offset", value, AtomicLong::get)
                    .tags(Tags.of("topic", key.topic(), "partition", Integer.toString(key.partition())))
                    .description("one past the highest offset registered in remote storage").register(registry);
            return new PartitionGauge(value, gauge);
        }).value().set(offset);
    }

    /** Stops exporting {@code tp}'s gauge (this broker no longer copies it). */
    void partitionRemoved(TopicPartition tp) {
        PartitionGauge removed = partitions.remove(tp);
        if (removed != null) {
            registry.remove(removed.gauge());
        }
    }

    /**
     * Exports the remote reader's counters: {@code sluice.remote.fetch.bytes} (bytes downloaded for reads; Kafka's
     * {@code RemoteFetchBytesPerSec}), {@code sluice.remote.fetch.cache.hits} / {@code .misses} (chunks of remote
     * {@code .log} objects), {@code sluice.remote.fetch.corruptions} (checksum mismatches; never served) and
     * {@code sluice.remote.fetch.cache.bytes} (bytes cached).
     */
    void registerReader(RemoteLogReader reader) {
        FunctionCounter.builder("sluice.remote.fetch.bytes", reader, RemoteLogReader::bytesFetched).baseUnit("bytes")
                .description("bytes downloaded from remote storage for reads").register(registry);
        FunctionCounter.builder("sluice.remote.fetch.cache.hits", reader, RemoteLogReader::chunkCacheHits)
                .description("remote .log chunks served from the cache").register(registry);
        FunctionCounter.builder("sluice.remote.fetch.cache.misses", reader, RemoteLogReader::chunkCacheMisses)
                .description("remote .log chunks downloaded").register(registry);
        FunctionCounter.builder("sluice.remote.fetch.corruptions", reader, RemoteLogReader::corruptions)
                .description("remote reads refused because a checksum did not match").register(registry);
        Gauge.builder("sluice.remote.fetch.cache.bytes", reader, RemoteLogReader::cachedChunkBytes).baseUnit("bytes")
                .description("bytes of remote .log chunks cached").register(registry);
    }

    public double copiedSegments() {
        return segments.count();
    }

    public double copiedBytes() {
        return bytes.count();
    }

    public double deletedSegments() {
        return deletedSegments.count();
    }

    public double copyErrors() {
        return errors.count();
    }
}
