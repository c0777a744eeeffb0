package io.sluice.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.loadtests.metrics.ProcessCpuSampler;
import io.sluice.loadtests.report.LoadTestSummary;
import io.sluice.loadtests.workload.KafkaSettings;
import io.sluice.loadtests.workload.LoadTestConfig;
import io.sluice.loadtests.workload.Mode;
import io.sluice.loadtests.workload.PayloadFactory;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.StartPosition;
import io.sluice.loadtests.workload.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoadTestRunnerTest {
    private final StringWriter progress = new StringWriter();

    private static LoadTestConfig config(Mode mode, Long numRecords, Duration duration, Double rate, int producers,
                                         int consumers, StartPosition start, Duration idle) {
        return new LoadTestConfig(mode, "lt", 4, (short) 1, 256, numRecords, duration, rate, producers, consumers,
            start, idle, Duration.ofMillis(100), null, null,
            new KafkaSettings("127.0.0.1:9092", "all", "none", null, null, Map.of(), Map.of()), null);
    }

    private LoadTestSummary run(LoadTestConfig config, Transport transport) throws Exception {
        return new LoadTestRunner(config, transport, Time.SYSTEM, new PrintWriter(progress), null).run();
    }

    private static List<byte[]> oldRecords(int count) {
        PayloadFactory old = new PayloadFactory(256, new Random(9));
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(old.next(1_000_000L + i)); // sent in 1970: another run's
        }
        return values;
    }

    @Test
    void endToEndRunProducesExactlyTheCountAndConsumersSeeEveryRecord() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(4, 0, InMemoryTransport.Hang.NONE);

        LoadTestSummary s = run(config(Mode.BOTH, 20_000L, null, null, 2, 3, StartPosition.LATEST, Duration.ofSeconds(10)), transport);

        assertThat(transport.recordsInLog()).isEqualTo(20_000);
        assertThat(s.produce().records()).isEqualTo(20_000);
        assertThat(s.produce().bytes()).isEqualTo(20_000L * 256);
        assertThat(s.produceLatency().count()).isEqualTo(20_000);
        assertThat(s.consume().records()).isEqualTo(20_000);
        assertThat(s.consumedFromThisRun()).isEqualTo(20_000);
        assertThat(s.endToEndLatency().count()).isEqualTo(20_000);
        assertThat(s.endToEndLatency().maxMs()).isLessThan(10_000.0);
        assertThat(s.totalErrors()).isZero();
        assertThat(s.mode()).isEqualTo("BOTH");
        assertThat(s.transport()).isEqualTo("in-memory");
        assertThat(s.consumers()).isEqualTo(3);
        assertThat(s.produce().recordsPerSecond()).isPositive();
        assertThat(progress.toString()).contains("produce").contains("consume").contains("e2e p99");
    }

    @Test
    void startingAtTheLogEndSkipsOlderRecords() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(4, 0, InMemoryTransport.Hang.NONE);
        transport.preload(0, oldRecords(500));

        LoadTestSummary s = run(config(Mode.BOTH, 1_000L, null, null, 1, 2, StartPosition.LATEST, Duration.ofSeconds(10)), transport);

        assertThat(s.consume().records()).isEqualTo(1_000);
        assertThat(s.consumedFromThisRun()).isEqualTo(1_000);
    }

    @Test
    void consumeOnlyFromTheBeginningStopsAtTheCountAndGivesOldRecordsNoLatency() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(4, 0, InMemoryTransport.Hang.NONE);
        for (int p = 0; p < 4; p++) {
            transport.preload(p, oldRecords(250));
        }

        LoadTestSummary s = run(config(Mode.CONSUME, 1_000L, null, null, 0, 2, StartPosition.EARLIEST, Duration.ofSeconds(10)), transport);

        assertThat(s.consume().records()).isEqualTo(1_000);
        assertThat(s.consumedFromThisRun()).isZero();
        assertThat(s.endToEndLatency()).isNull();
        assertThat(s.produce()).isNull();
        assertThat(s.producers()).isZero();
        // It stopped because the count was reached, not by waiting out the idle timeout.
        assertThat(s.elapsedSeconds()).isLessThan(10.0);
    }

    @Test
    void consumeOnlyOnAnEmptyTopicEndsAfterTheIdleTimeout() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(2, 0, InMemoryTransport.Hang.NONE);

        LoadTestSummary s = run(config(Mode.CONSUME, 10L, null, null, 0, 1, StartPosition.EARLIEST, Duration.ofMillis(300)), transport);

        assertThat(s.consume().records()).isZero();
        assertThat(s.elapsedSeconds()).isGreaterThanOrEqualTo(0.3);
    }

    @Test
    void aDurationBoundedRunIsPacedByTheRate() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(4, 0, InMemoryTransport.Hang.NONE);

        LoadTestSummary s = run(config(Mode.PRODUCE, null, Duration.ofMillis(400), 500.0, 1, 0, StartPosition.LATEST,
            Duration.ofSeconds(10)), transport);

        // 400 ms at 500 records/s: the schedule allows at most 201 permits before the deadline, plus the one
        // a producer may hold when the deadline passes.
        assertThat(s.produce().records()).isBetween(1L, 202L);
        assertThat(s.consume()).isNull();
        assertThat(s.targetRecordsPerSecond()).isEqualTo(500.0);
    }

    @Test
    void failedSendsAreCountedByKindAndConsumersStillDrainTheRest() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(4, 10, InMemoryTransport.Hang.NONE);

        LoadTestSummary s = run(config(Mode.BOTH, 1_000L, null, null, 1, 1, StartPosition.LATEST, Duration.ofSeconds(10)), transport);

        assertThat(s.produce().records()).isEqualTo(900);
        assertThat(s.produce().errors()).isEqualTo(100);
        assertThat(s.produce().errorsByKind()).isEqualTo(Map.of("NotLeaderOrFollowerException", 100L));
        assertThat(s.consumedFromThisRun()).isEqualTo(900);
        assertThat(s.elapsedSeconds()).isLessThan(10.0);
    }

    @Test
    void producersThatMakeNoProgressAreStoppedSoACountedRunStillEnds() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(1, 0, InMemoryTransport.Hang.UNTIL_STOPPED);

        LoadTestSummary s = run(config(Mode.PRODUCE, 1_000_000L, null, null, 2, 0, StartPosition.LATEST, Duration.ofMillis(300)), transport);

        assertThat(s.produce().records()).isZero();
        assertThat(s.elapsedSeconds()).isGreaterThanOrEqualTo(0.3).isLessThan(10.0);
    }

    @Test
    void producersBlockedDespiteTheStopAreLeftBehindAndTheRunStillEnds() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(2, 0, InMemoryTransport.Hang.IGNORING_STOP);
        try {
            LoadTestSummary s = run(config(Mode.BOTH, 1_000L, null, null, 1, 1, StartPosition.LATEST, Duration.ofMillis(200)), transport);

            // 200 ms to notice the stall, 200 ms more before leaving the producer behind.
            assertThat(s.elapsedSeconds()).isGreaterThanOrEqualTo(0.4).isLessThan(10.0);
            assertThat(s.produce().records()).isZero();
            assertThat(s.consume().records()).isZero();
        } finally {
            transport.release();
        }
    }

    @Test
    void reportsBrokerCpuWhenASamplerIsGiven() throws Exception {
        InMemoryTransport transport = new InMemoryTransport(2, 0, InMemoryTransport.Hang.NONE);
        ProcessCpuSampler self = ProcessCpuSampler.forPid(ProcessHandle.current().pid());

        LoadTestSummary s = new LoadTestRunner(config(Mode.PRODUCE, 5_000L, null, null, 1, 0, StartPosition.LATEST,
            Duration.ofSeconds(10)), transport, Time.SYSTEM, new PrintWriter(progress), self).run();

        assertThat(s.brokerCpu().pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(s.brokerCpu().cpuSeconds()).isGreaterThanOrEqualTo(0.0);
        assertThat(s.brokerCpu().producedGigabytes()).isEqualTo(5_000.0 * 256 / (1 << 30));
        assertThat(s.brokerCpu().cpuSecondsPerGigabyte()).isEqualTo(s.brokerCpu().cpuSeconds() / s.brokerCpu().producedGigabytes());
    }

    @Test
    void aRunWhoseConsumersCannotBePositionedFails() {
        InMemoryTransport working = new InMemoryTransport(2, 0, InMemoryTransport.Hang.NONE);
        Transport broken = new Transport() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int preparePartitions() {
                return 2;
            }

            @Override
            public ProduceTask newProducer(int index, RunContext context) {
                return working.newProducer(index, context);
            }

            @Override
            public ConsumeTask newConsumer(int index, List<Integer> partitions, RunContext context) {
                return new ConsumeTask() {
                    @Override
                    public void prepare() {
                        throw new org.apache.kafka.common.errors.TimeoutException("no position");
                    }

                    @Override
                    public void run() {
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };

        assertThatThrownBy(() -> run(config(Mode.BOTH, 10L, null, null, 1, 1, StartPosition.LATEST, Duration.ofSeconds(1)), broken))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("no consumer could be positioned");
        assertThat(working.recordsInLog()).isZero();
    }
}
