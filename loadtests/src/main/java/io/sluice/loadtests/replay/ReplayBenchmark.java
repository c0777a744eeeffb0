package io.sluice.loadtests.replay;

import io.sluice.loadtests.kafka.KafkaClientConfigs;
import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.workload.KafkaSettings;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replay benchmark against a live cluster with tiered storage, in this order:
 * <ol>
 *   <li><b>topics</b>: the replay topic (new; {@code remote.storage.enable=true}, the given {@code segment.bytes}
 *       and {@code local.retention.bytes}, no retention) and a one-partition tail topic {@code <topic>-tail}
 *       without tiering;</li>
 *   <li><b>load</b>: {@link BulkLoader} writes {@code totalBytes} of records (both steps skipped with
 *       {@code reuseTopic}: the topic of an earlier run is measured again);</li>
 *   <li><b>tiering</b>: polls {@code ListOffsets} ({@code latest}, {@code earliestLocal}, {@code latestTiered}) every
 *       2 s until at most one segment per partition is left on the broker's disk ({@link TieringProgress#isSettled});
 *       the broker uploads sealed segments every {@code remote.log.manager.task.interval.ms} and deletes local ones
 *       every {@code log.retention.check.interval.ms} (Kafka's defaults: 30 s and 5 min), so this takes minutes.
 *       After {@code tierTimeout} the run goes on with what is remote by then (the report says how much), or fails
 *       if nothing is;</li>
 *   <li><b>raw store</b>: {@link RawStoreReader} reads the topic's {@code .log} objects with the broker's chunk size
 *       and similar concurrency, {@code rawPasses} times (the first pass is cold, the last warm);</li>
 *   <li><b>tail alone</b>: {@link TailProbe} ({@code acks=all}, {@code linger.ms=0} unless the tail producer
 *       properties say otherwise) for {@code tailDuration} after a 2 s warm-up;</li>
 *   <li><b>tail during replay</b>: a {@link ReplayConsumer} on its own thread reads the topic from offset 0 (at least
 *       once, and again until {@code tailDuration} has passed) while the {@link TailProbe} runs for
 *       {@code tailDuration}.</li>
 * </ol>
 * The CPU seconds of the broker, the store server (when their pids are given) and this process are sampled over the
 * last raw pass and over the replay window. Every client call is bounded; the run ends by itself. Progress lines go
 * to {@code out}.
 */
public final class ReplayBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayBenchmark.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(20);
    private static final Duration RAW_READ_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ReplaySettings settings;
    private final PrintWriter out;
    private final Time time;
    private final long startNanos;

    /**
     * @param settings the run's settings
     * @param out where progress lines go
     * @param time the clock
     */
    public ReplayBenchmark(ReplaySettings settings, PrintWriter out, Time time) {
        this.settings = settings;
        this.out = out;
        this.time = time;
        this.startNanos = time.nanoseconds();
    }

    /**
     * @return the measured figures
     * @throws ExecutionException if the broker refuses a topic (e.g. {@code TopicExistsException}) or a consumer or
     *     the store fails
     * @throws TimeoutException if the broker does not answer, or replay stalls
     * @throws IllegalStateException if nothing was tiered within {@code tierTimeout}
     */
    public ReplayReport run() throws Exception {
        KafkaSettings kafka = new KafkaSettings(settings.bootstrapServers(), settings.loadAcks(), "none", 262_144, 10,
            Map.of(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20)), settings.replayConsumerProperties());
        try (Admin admin = Admin.create(KafkaClientConfigs.admin(kafka))) {
            TieredTopic topic = new TieredTopic(admin, settings.topic(), settings.partitions(), ADMIN_TIMEOUT);
            StageSummary load = null;
            if (settings.reuseTopic()) {
                reuseTopics(admin, topic);
            } else {
                createTopics(admin, topic);
            }
            Uuid topicId = topic.topicId();
            print("topic %s %s (id %s, %d partitions)", settings.topic(), settings.reuseTopic() ? "reused" : "created",
                topicId, settings.partitions());
            if (!settings.reuseTopic()) {
                load = load(kafka);
            }
            long waitStart = time.nanoseconds();
            TieringProgress tiering = awaitTiering(topic);
            double waited = (time.nanoseconds() - waitStart) / 1e9;
            ProcessCpuMeter cpu = ProcessCpuMeter.forPids(cpuPids());
            RawPhase raw = readRaw(topicId, cpu);
            Map<Integer, Long> endOffsets = topic.logEndOffsets();
            return measureTailAndReplay(kafka, endOffsets, load, waited, tiering, raw, cpu);
        }
    }

    private void createTopics(Admin admin, TieredTopic topic) throws Exception {
        topic.create(settings.replicationFactor(), TieredTopic.tieredConfigs(settings.segmentBytes(), settings.localRetentionBytes()));
        createTailTopic(admin);
    }

    private void reuseTopics(Admin admin, TieredTopic topic) throws Exception {
        int partitions = topic.partitionCount();
        if (partitions != settings.partitions()) {
            throw new IllegalArgumentException("topic " + settings.topic() + " has " + partitions + " partitions; pass --partitions "
                + partitions);
        }
        createTailTopic(admin);
    }

    private void createTailTopic(Admin admin) throws Exception {
        try {
            new TieredTopic(admin, tailTopic(), 1, ADMIN_TIMEOUT).create(settings.replicationFactor(), Map.of());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private StageSummary load(KafkaSettings kafka) {
        print("load: %,d records of %,d B (%,.1f MB), acks=%s", settings.recordCount(), settings.recordSize(),
            settings.recordCount() * (double) settings.recordSize() / (1 << 20), settings.loadAcks());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(kafka, "sluice-replay-load"));
        try {
            StageSummary load = new BulkLoader(producer, settings.topic(), settings.partitions(), settings.recordSize(), time)
                .load(settings.recordCount(), out);
            print("load: %,d records, %.2f MB/s, %,d errors", load.records(), load.megabytesPerSecond(), load.errors());
            return load;
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private TieringProgress awaitTiering(TieredTopic topic) throws Exception {
        long deadline = time.nanoseconds() + settings.tierTimeout().toNanos();
        long nextPrint = time.nanoseconds();
        print("tiering: waiting up to %s for at most one segment per partition to remain local", settings.tierTimeout());
        while (true) {
            TieringProgress progress = topic.progress();
            if (progress.isSettled(settings.maxRecordsPerSegment())) {
                print("tiering: done, %s", progress.describe());
                return progress;
            }
            long now = time.nanoseconds();
            if (now >= deadline) {
                if (progress.remoteRecords() == 0) {
                    throw new IllegalStateException("nothing of topic " + settings.topic() + " was tiered within "
                        + settings.tierTimeout() + ": " + progress.describe());
                }
                print("tiering: WARNING not settled within %s, replaying anyway: %s", settings.tierTimeout(), progress.describe());
                return progress;
            }
            if (now >= nextPrint) {
                print("tiering: %s", progress.describe());
                nextPrint = now + PROGRESS_INTERVAL.toNanos();
            }
            time.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** The raw store passes and the CPU the processes used during the last one. */
    private record RawPhase(List<RawReadResult> passes, Map<String, Double> cpu) {
    }

    private Map<String, Long> cpuPids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("broker", settings.brokerPid());
        pids.put("store", settings.storePid());
        pids.put("load generator", ProcessHandle.current().pid());
        return pids;
    }

    private RawPhase readRaw(Uuid topicId, ProcessCpuMeter cpu) throws Exception {
        int connections = Math.max(8, settings.rawConcurrency());
        try (S3ObjectStore store = S3ObjectStore.create(settings.objectStore().toS3Config(connections))) {
            List<ObjectSummary> objects = TieredObjects.logObjects(store, topicId, settings.partitions())
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long bytes = objects.stream().mapToLong(ObjectSummary::sizeInBytes).sum();
            print("raw store: %d .log objects, %,.1f MB, ranged GETs of %d B, %d in flight", objects.size(),
                bytes / (double) (1 << 20), settings.chunkBytes(), settings.rawConcurrency());
            RawStoreReader reader = new RawStoreReader(store, settings.chunkBytes(), settings.rawConcurrency(), time);
            List<RawReadResult> passes = new ArrayList<>();
            Map<String, Double> used = Map.of();
            for (int i = 1; i <= settings.rawPasses(); i++) {
                Map<String, Double> before = cpu.sample();
                RawReadResult pass = reader.read(objects, RAW_READ_TIMEOUT);
                used = cpu.since(before);
                passes.add(pass);
                print("raw store: pass %d %.2f MB/s", i, pass.megabytesPerSecond());
            }
            return new RawPhase(passes, used);
        }
    }

    private ReplayReport measureTailAndReplay(KafkaSettings kafka, Map<Integer, Long> endOffsets, StageSummary load,
                                              double waited, TieringProgress tiering, RawPhase raw,
                                              ProcessCpuMeter cpu) throws Exception {
        KafkaSettings tailSettings = new KafkaSettings(settings.bootstrapServers(), "all", "none", null, 0,
            settings.tailProducerProperties(), Map.of());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClientConfigs.producer(tailSettings, "sluice-replay-tail"));
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaConsumer<>(replayConsumerConfig(kafka));
            TailProbe probe = new TailProbe(producer, tailTopic(), settings.tailRecordSize(), settings.tailRate(), time,
                LockSupport::parkNanos);
            probe.run("warm-up", WARM_UP, () -> false);
            print("tail: %s alone at %,.0f records/s", settings.tailDuration(), settings.tailRate());
            TailPhase alone = probe.run("alone", settings.tailDuration(), () -> false);
            print("tail alone: p50 %s, p99 %s ms", p50(alone), p99(alone));

            ReplayConsumer replayConsumer = new ReplayConsumer(consumer, settings.topic(), endOffsets, time);
            print("replay: %,d records from offset 0, tail producer alongside for %s", replayConsumer.expectedRecords(),
                settings.tailDuration());
            AtomicBoolean cancelled = new AtomicBoolean();
            Map<String, Double> cpuBefore = cpu.sample();
            CompletableFuture<ReplayResult> replay = CompletableFuture.supplyAsync(() -> {
                try {
                    return replayConsumer.replay(settings.tailDuration(), settings.replayIdleTimeout(), cancelled::get);
                } catch (TimeoutException e) {
                    throw new CompletionException(e);
                }
            }, r -> startDaemon("sluice-replay-consumer", r));
            TailPhase during;
            try {
                during = probe.run("during replay", settings.tailDuration(), replay::isDone);
            } catch (RuntimeException e) {
                // The consumer is not thread-safe: let its thread stop before the finally block closes it.
                cancelled.set(true);
                replay.handle((r, error) -> null).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw e;
            }
            ReplayResult result = replay.get();
            Map<String, Double> replayCpu = cpu.since(cpuBefore);
            print("replay: first pass %.2f MB/s, later passes %.2f MB/s, %d complete passes; tail during replay: p50 %s, p99 %s ms",
                result.firstPass().megabytesPerSecond(), result.laterPasses().megabytesPerSecond(), result.completePasses(),
                p50(during), p99(during));
            return new ReplayReport(settings, environment(), load, waited, tiering, raw.passes(), raw.cpu(), result,
                replayCpu, alone, during);
        } finally {
            producer.close(CLOSE_TIMEOUT);
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
        }
    }

    private Properties replayConsumerConfig(KafkaSettings kafka) {
        return KafkaClientConfigs.consumer(kafka, "sluice-replay-consumer", true);
    }

    private String tailTopic() {
        return settings.topic() + "-tail";
    }

    private static Thread startDaemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String p50(TailPhase phase) {
        return phase.latency() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", phase.latency().p50Ms());
    }

    private static String p99(TailPhase phase) {
        return phase.latency() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", phase.latency().p99Ms());
    }

    /** @return e.g. {@code 2 cores, Java 17.0.16 (Eclipse Adoptium), Linux 6.1} */
    static String environment() {
        return String.format(Locale.ROOT, "%d cores, Java %s (%s), %s %s", Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
            System.getProperty("os.version"));
    }

    private void print(String format, Object... args) {
        String line = String.format(Locale.ROOT, "[%7.1fs] ", (time.nanoseconds() - startNanos) / 1e9) + String.format(Locale.ROOT, format, args);
        LOG.debug(line);
        out.println(line);
        out.flush();
    }
}
