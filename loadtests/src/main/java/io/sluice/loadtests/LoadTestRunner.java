package io.sluice.loadtests;

import io.sluice.loadtests.metrics.ProcessCpuSampler;
import io.sluice.loadtests.metrics.RunMetrics;
import io.sluice.loadtests.metrics.StageMetrics;
import io.sluice.loadtests.report.BrokerCpuSummary;
import io.sluice.loadtests.report.LatencySummary;
import io.sluice.loadtests.report.LoadTestSummary;
import io.sluice.loadtests.report.ProgressReporter;
import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.MicrosClock;
import io.sluice.loadtests.workload.Mode;
import io.sluice.loadtests.workload.PartitionAssignment;
import io.sluice.loadtests.workload.RateLimiter;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.Transport;
import io.sluice.loadtests.workload.WorkBudget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one load test and returns its summary. The order of events:
 * <ol>
 *   <li>the transport finds or creates the topic; the broker's CPU time is sampled;</li>
 *   <li>consumers are assigned their partitions and positioned (all before any record is sent, so a consumer
 *       starting at the log end misses nothing);</li>
 *   <li>producers send until the {@link WorkBudget} (count and/or duration) is used up, paced by the
 *       {@link RateLimiter}; progress lines are printed every report interval;</li>
 *   <li>consumers stop: in {@link Mode#BOTH} once they have seen every record this run's producers had
 *       acknowledged, in {@link Mode#CONSUME} once the count or duration is reached; in both, also after
 *       {@code idleTimeout} without a new record;</li>
 *   <li>the broker's CPU time is sampled again and the summary is built.</li>
 * </ol>
 * Producers that make no progress at all (no acknowledgement and no error) for the stall timeout (the idle
 * timeout, or three rate intervals if longer) are stopped, and if they are still blocked one idle timeout
 * later (a {@code send} waiting out {@code max.block.ms} on a dead broker) the run finishes without them, so
 * a broker that stops answering cannot hold a run for long. Every thread this class starts ends by itself:
 * producers through the budget, consumers through the stop signal; all are daemon threads.
 */
public final class LoadTestRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LoadTestRunner.class);
    private static final long SUPERVISE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration CONSUMER_PREPARE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONSUMER_JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final LoadTestConfig config;
    private final Transport transport;
    private final Time time;
    private final PrintWriter out;
    private final ProcessCpuSampler brokerCpu;

    /**
     * @param config the run's settings
     * @param transport how to reach the broker; the runner does not close it
     * @param time clock for durations and latencies
     * @param out where progress lines go
     * @param brokerCpu sampler of the broker's CPU time, or {@code null}
     */
    public LoadTestRunner(LoadTestConfig config, Transport transport, Time time, PrintWriter out, ProcessCpuSampler brokerCpu) {
        this.config = config;
        this.transport = transport;
        this.time = time;
        this.out = out;
        this.brokerCpu = brokerCpu;
    }

    /**
     * @return the summary of the run
     * @throws Exception if the topic cannot be prepared, the broker's CPU time cannot be read, or no consumer
     *     could be positioned
     */
    public LoadTestSummary run() throws Exception {
        int partitions = transport.preparePartitions();
        double cpuBefore = brokerCpu == null ? 0 : brokerCpu.sampleSeconds();
        long runStartNanos = time.nanoseconds();
        RunMetrics metrics = new RunMetrics();
        WorkBudget budget = config.mode().produces()
            ? WorkBudget.of(config.recordLimit(), config.durationLimitNanos(), time)
            : WorkBudget.of(0, Long.MAX_VALUE, time);
        RunContext context = new RunContext(config, partitions, budget, RateLimiter.perSecond(config.rate()), time,
            new MicrosClock(time), metrics);
        LOG.info("starting transport={} mode={} topic={} partitions={}", transport.name(), config.mode(), config.topic(), partitions);

        List<Thread> consumers = config.mode().consumes() ? startConsumers(context, partitions) : List.of();
        metrics.consume().markStart(time.nanoseconds());
        budget.start();
        metrics.produce().markStart(time.nanoseconds());
        CountDownLatch producersDone = startProducers(context);
        ProgressReporter progress = new ProgressReporter(metrics, time, out, config.mode().produces(), config.mode().consumes());
        progress.start(config.reportInterval());
        try {
            supervise(context, producersDone);
            join(consumers);
        } finally {
            progress.close();
        }
        progress.print();
        double cpuAfter = brokerCpu == null ? 0 : brokerCpu.sampleSeconds();
        return summarize(context, partitions, time.nanoseconds() - runStartNanos, cpuBefore, cpuAfter);
    }

    private List<Thread> startConsumers(RunContext context, int partitions) throws InterruptedException {
        List<List<Integer>> assignments = PartitionAssignment.split(partitions, config.consumers());
        if (assignments.size() < config.consumers()) {
            LOG.warn("only {} of {} consumers get partitions: the topic has {} partitions", assignments.size(), config.consumers(), partitions);
        }
        CountDownLatch ready = new CountDownLatch(assignments.size());
        AtomicInteger positioned = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < assignments.size(); i++) {
            Transport.ConsumeTask task = transport.newConsumer(i, assignments.get(i), context);
            int index = i;
            threads.add(start("loadgen-consumer-" + i, () -> runConsumer(index, task, context, ready, positioned)));
        }
        if (!ready.await(CONSUMER_PREPARE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
            LOG.warn("consumers not positioned after {}; starting producers anyway", CONSUMER_PREPARE_TIMEOUT);
        }
        if (positioned.get() == 0) {
            context.stopConsumers();
            join(threads);
            throw new IllegalStateException("no consumer could be positioned on topic " + config.topic() + " (see the log)");
        }
        return threads;
    }

    private static void runConsumer(int index, Transport.ConsumeTask task, RunContext context, CountDownLatch ready, AtomicInteger positioned) {
        try {
            try {
                task.prepare();
                positioned.incrementAndGet();
            } catch (Exception e) {
                LOG.error("consumer={} could not be positioned: {}", index, e.toString());
                context.metrics().consume().recordFailed(e, 1, context.time().nanoseconds());
                return;
            } finally {
                ready.countDown();
            }
            task.run();
        } catch (RuntimeException e) {
            LOG.error("consumer={} failed: {}", index, e.toString());
            context.metrics().consume().recordFailed(e, 1, context.time().nanoseconds());
        } finally {
            task.close();
        }
    }

    private CountDownLatch startProducers(RunContext context) {
        int count = config.mode().produces() ? config.producers() : 0;
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Transport.ProduceTask task = transport.newProducer(i, context);
            int index = i;
            start("loadgen-producer-" + i, () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("producer={} failed: {}", index, e.toString());
                    context.metrics().produce().recordFailed(e, 1, context.time().nanoseconds());
                } finally {
                    done.countDown();
                }
            });
        }
        return done;
    }

    /** Waits for producers, stopping stalled ones, then decides when consumers have read enough. */
    private void supervise(RunContext context, CountDownLatch producersDone) throws InterruptedException {
        StageMetrics produce = context.metrics().produce();
        StageMetrics consume = context.metrics().consume();
        long stallNanos = producerStallNanos();
        long consumeDeadline = config.mode() == Mode.CONSUME && config.duration() != null
            ? consume.startNanos() + config.duration().toNanos() : Long.MAX_VALUE;
        long stalledSince = Long.MIN_VALUE;
        boolean producing = true;
        while (true) {
            producing = producing && !producersDone.await(SUPERVISE_NANOS, TimeUnit.NANOSECONDS);
            long now = time.nanoseconds();
            if (producing) {
                if (stalledSince == Long.MIN_VALUE && now - produce.lastActivityNanos() > stallNanos) {
                    LOG.warn("producers made no progress for {} ms; stopping them", TimeUnit.NANOSECONDS.toMillis(stallNanos));
                    context.produceBudget().stop();
                    stalledSince = now;
                } else if (stalledSince != Long.MIN_VALUE && now - stalledSince > config.idleTimeout().toNanos()) {
                    // A send blocked on a dead broker can take max.block.ms, and close() its own timeout, on top.
                    LOG.warn("producers still blocked {} after being stopped; finishing the run without them", config.idleTimeout());
                    producing = false;
                }
                continue;
            }
            if (!config.mode().consumes() || consumersDone(context, now, consumeDeadline)) {
                context.stopConsumers();
                return;
            }
        }
    }

    private boolean consumersDone(RunContext context, long now, long consumeDeadline) {
        StageMetrics consume = context.metrics().consume();
        // Idle since the last record received or, if later, the producers' last acknowledgement or error.
        long lastRecord = Math.max(Math.max(consume.startNanos(), consume.lastCompletionNanos()),
            context.metrics().produce().lastActivityNanos());
        if (now - lastRecord > config.idleTimeout().toNanos()) {
            LOG.info("no new record for {}; stopping consumers", config.idleTimeout());
            return true;
        }
        if (config.mode() == Mode.BOTH) {
            return context.metrics().ownRecordsConsumed() >= context.metrics().produce().records();
        }
        return now >= consumeDeadline || (config.numRecords() != null && consume.records() >= config.numRecords());
    }

    /** @return how long producers may go without any acknowledgement or error before they are stopped */
    private long producerStallNanos() {
        long stall = config.idleTimeout().toNanos();
        if (config.rate() != null) {
            int permitsPerWait = config.usesHttp() ? config.http().batchRecords() : 1;
            stall = Math.max(stall, (long) (3e9 * permitsPerWait / config.rate()));
        }
        return stall;
    }

    private static void join(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(CONSUMER_JOIN_TIMEOUT.toMillis());
            if (t.isAlive()) {
                LOG.warn("{} did not stop within {}", t.getName(), CONSUMER_JOIN_TIMEOUT);
            }
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private LoadTestSummary summarize(RunContext context, int partitions, long elapsedNanos, double cpuBefore, double cpuAfter) {
        RunMetrics m = context.metrics();
        boolean produces = config.mode().produces();
        boolean consumes = config.mode().consumes();
        boolean kafka = !config.usesHttp();
        return new LoadTestSummary(
            transport.name(),
            config.mode().name(),
            config.topic(),
            partitions,
            config.recordSize(),
            produces && kafka ? config.kafka().acks() : null,
            produces && kafka ? config.kafka().compression() : null,
            produces ? config.producers() : 0,
            consumes ? config.consumers() : 0,
            config.rate(),
            elapsedNanos / 1e9,
            produces ? StageSummary.of(m.produce()) : null,
            produces ? LatencySummary.fromMicros(m.produceLatency().cumulative()) : null,
            consumes ? StageSummary.of(m.consume()) : null,
            consumes ? m.ownRecordsConsumed() : null,
            consumes ? LatencySummary.fromMicros(m.endToEndLatency().cumulative()) : null,
            brokerCpu == null ? null : BrokerCpuSummary.of(brokerCpu.pid(), cpuBefore, cpuAfter, m.produce().bytes()));
    }
}
