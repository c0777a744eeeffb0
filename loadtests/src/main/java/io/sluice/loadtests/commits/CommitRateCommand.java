package io.sluice.loadtests.commits;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures the committed-offset write rate two ways, to justify where Sluice keeps committed offsets
 * (docs/consumer-groups.md): OffsetCommit requests against a running Sluice (offsets appended to the replicated
 * {@code __consumer_offsets} log) and the same writes done directly as etcd transactions (one compare-and-put per
 * commit, the shape an etcd-backed store fenced by the coordinator's epoch would need). Each of {@code --committers}
 * threads commits synchronously in a loop (a new offset each time) for {@code --seconds}; reports commits/s and
 * latency percentiles. Not a timed test: a benchmark to run by hand.
 */
@Command(name = "commit-rate", mixinStandardHelpOptions = true,
        description = "Committed-offset write rate: Sluice OffsetCommit vs etcd transactions.")
public final class CommitRateCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-server", description = "Sluice bootstrap address (skip Sluice if unset)")
    String bootstrap;
    @Option(names = "--etcd", description = "etcd endpoint, e.g. http://127.0.0.1:2379 (skip etcd if unset)")
    String etcdEndpoint;
    @Option(names = "--topic", defaultValue = "commit-bench", description = "an existing topic (partition 0 is committed)")
    String topic;
    @Option(names = "--committers", defaultValue = "16", description = "concurrent committing threads (one group each)")
    int committers;
    @Option(names = "--partitions-per-commit", defaultValue = "1", description = "offsets per commit request")
    int partitionsPerCommit;
    @Option(names = "--seconds", defaultValue = "20", description = "measurement time per store")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (bootstrap != null) {
            report("sluice OffsetCommit (__consumer_offsets, acks=all)", run(this::sluiceCommitter));
        }
        if (etcdEndpoint != null) {
            try (Client client = Client.builder().endpoints(etcdEndpoint).build()) {
                KV kv = client.getKVClient();
                report("etcd txn (compare + put per commit)", run(i -> etcdCommitter(kv, i)));
            }
        }
        return 0;
    }

    /** One committer: runs until stopped, recording each commit's latency; returns the commit count. */
    @FunctionalInterface
    private interface Committer {
        long run(int index, AtomicBoolean stop, Histogram latencies) throws Exception;
    }

    private record Result(long commits, double seconds, Histogram latencies) {
    }

    private Result run(java.util.function.IntFunction<Committer> factory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(committers);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Long>> futures = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < committers; i++) {
            int index = i;
            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
            histograms.add(h);
            futures.add(pool.submit(() -> factory.apply(index).run(index, stop, h)));
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        long total = 0;
        for (Future<Long> f : futures) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Histogram all = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        histograms.forEach(all::add);
        return new Result(total, elapsed, all);
    }

    private Committer sluiceCommitter(int index) {
        return (i, stop, latencies) -> {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "commit-bench-" + i + "-" + System.nanoTime());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            long count = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < partitionsPerCommit; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
                consumer.assign(partitions);
                while (!stop.get()) {
                    long offset = count;
                    Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                    partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(offset)));
                    long t0 = System.nanoTime();
                    consumer.commitSync(offsets, Duration.ofSeconds(30));
                    latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    count++;
                }
            }
            return count;
        };
    }

    private Committer etcdCommitter(KV kv, int index) {
        return (i, stop, latencies) -> {
            long count = 0;
            ByteSequence epochKey = bytes("/commit-bench/coordinator-epoch/" + i);
            kv.put(epochKey, bytes("1")).get(30, TimeUnit.SECONDS);
            while (!stop.get()) {
                var txn = kv.txn().If(new Cmp(epochKey, Cmp.Op.EQUAL, CmpTarget.value(bytes("1"))));
                List<Op> puts = new ArrayList<>();
                for (int p = 0; p < partitionsPerCommit; p++) {
                    puts.add(Op.put(bytes("/commit-bench/offsets/g" + i + "/" + topic + "/" + p),
                            bytes("{\"offset\":" + count + ",\"leaderEpoch\":0,\"metadata\":\"\",\"commitTimestamp\":"
                                    + System.currentTimeMillis() + "}"), PutOption.DEFAULT));
                }
                long t0 = System.nanoTime();
                txn.Then(puts.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
                latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                count++;
            }
            return count;
        };
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private void report(String what, Result r) {
        Histogram h = r.latencies();
        System.out.printf("%-52s %8.0f commits/s (%d committers, %d offsets each)  p50 %.2f ms  p99 %.2f ms  "
                        + "p99.9 %.2f ms%n", what, r.commits() / r.seconds(), committers, partitionsPerCommit,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0);
    }
}
