package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.workload.ManualTime;
import io.sluice.loadtests.workload.PayloadFactory;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TailProbeTest {
    private final ManualTime time = new ManualTime();

    private MockProducer<byte[], byte[]> producer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void sendsAtTheRateForTheWholePhase() {
        MockProducer<byte[], byte[]> producer = producer();
        TailProbe probe = new TailProbe(producer, "tail", 1024, 1000, time, time::park);
        long start = time.nanoseconds();

        TailPhase phase = probe.run("alone", Duration.ofSeconds(2), () -> false);

        assertThat(phase.name()).isEqualTo("alone");
        assertThat(phase.sent()).isEqualTo(2000);
        assertThat(phase.acknowledged()).isEqualTo(2000);
        assertThat(phase.errors()).isZero();
        assertThat(phase.seconds()).isEqualTo(2.0);
        assertThat(phase.achievedRate()).isEqualTo(1000.0);
        assertThat(phase.latency().count()).isEqualTo(2000);
        assertThat(time.nanoseconds() - start).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(producer.history()).hasSize(2000).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("tail");
            assertThat(r.value()).hasSize(1024);
            assertThat(PayloadFactory.decodeSendMicros(r.value())).isPositive();
        });
        assertThat(producer.flushed()).isTrue();
    }

    @Test
    void eachPhaseStartsANewScheduleAndCountsOnlyItsOwnRecords() {
        TailProbe probe = new TailProbe(producer(), "tail", 100, 250, time, time::park);
        probe.run("warm-up", Duration.ofSeconds(1), () -> false);
        time.advanceMillis(60_000); // an idle minute must not turn into a burst

        TailPhase second = probe.run("during replay", Duration.ofSeconds(4), () -> false);

        assertThat(second.sent()).isEqualTo(1000);
        assertThat(second.targetRate()).isEqualTo(250.0);
    }

    @Test
    void stopsEarlyWhenToldTo() {
        MockProducer<byte[], byte[]> producer = producer();
        TailProbe probe = new TailProbe(producer, "tail", 100, 1000, time, time::park);

        TailPhase phase = probe.run("during replay", Duration.ofSeconds(10), () -> producer.history().size() >= 500);

        assertThat(phase.sent()).isEqualTo(500);
        assertThat(phase.seconds()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.002));
    }

    @Test
    void failedRecordsAreCountedByKindAndHaveNoLatency() {
        AtomicInteger sends = new AtomicInteger();
        MockProducer<byte[], byte[]> failingEveryFourth = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                if (sends.incrementAndGet() % 4 == 0) {
                    callback.onCompletion(null, new NotLeaderOrFollowerException("moved"));
                    return null;
                }
                return super.send(record, callback);
            }
        };
        TailProbe probe = new TailProbe(failingEveryFourth, "tail", 100, 100, time, time::park);

        TailPhase phase = probe.run("alone", Duration.ofSeconds(1), () -> false);

        assertThat(phase.sent()).isEqualTo(100);
        assertThat(phase.acknowledged()).isEqualTo(75);
        assertThat(phase.errorsByKind()).containsExactly(java.util.Map.entry("NotLeaderOrFollowerException", 25L));
        assertThat(phase.latency().count()).isEqualTo(75);
    }
}
