package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.loadtests.workload.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayConsumerTest {
    private static final String TOPIC = "replay-t";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Duration IDLE = Duration.ofSeconds(30);

    private final ManualTime time = new ManualTime();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private ReplayConsumer replayConsumer(long end0, long end1) {
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        return new ReplayConsumer(consumer, TOPIC, Map.of(0, end0, 1, end1), time);
    }

    private void addRecords(TopicPartition tp, long from, long to, int valueSize) {
        for (long offset = from; offset < to; offset++) {
            consumer.addRecord(new ConsumerRecord<>(TOPIC, tp.partition(), offset, new byte[2], new byte[valueSize]));
        }
    }

    @Test
    void readsEveryPartitionFromOffsetZeroToItsEndOffset() throws Exception {
        ReplayConsumer replay = replayConsumer(5, 3);
        consumer.schedulePollTask(() -> {
            addRecords(P0, 0, 3, 100);
            addRecords(P1, 0, 3, 100);
            time.advanceMillis(1000);
        });
        consumer.schedulePollTask(() -> {
            addRecords(P0, 3, 5, 100);
            time.advanceMillis(1000);
        });

        ReplayPass pass = replay.pass(Long.MAX_VALUE, IDLE, () -> false);

        assertThat(consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
        assertThat(replay.expectedRecords()).isEqualTo(8);
        assertThat(pass.complete()).isTrue();
        assertThat(pass.records()).isEqualTo(8);
        assertThat(pass.recordBytes()).isEqualTo(8 * 102);
        assertThat(pass.fetchedBytes()).isZero(); // MockConsumer has no fetch metrics
        assertThat(pass.bytes()).isEqualTo(8 * 102);
        assertThat(pass.seconds()).isEqualTo(2.0);
        assertThat(pass.recordsPerSecond()).isEqualTo(4.0);
    }

    @Test
    void recordsAtOrAboveTheEndOffsetAreNotPartOfThePass() throws Exception {
        ReplayConsumer replay = replayConsumer(2, 0);
        consumer.schedulePollTask(() -> addRecords(P0, 0, 4, 10));

        ReplayPass pass = replay.pass(Long.MAX_VALUE, IDLE, () -> false);

        assertThat(pass.records()).isEqualTo(2);
        assertThat(pass.complete()).isTrue();
    }

    @Test
    void aPassWithoutNewRecordsForTheIdleTimeoutFails() {
        ReplayConsumer replay = replayConsumer(5, 0);
        consumer.schedulePollTask(() -> addRecords(P0, 0, 2, 10));
        for (int i = 0; i < 10; i++) {
            consumer.schedulePollTask(() -> time.advanceMillis(10_000));
        }

        assertThatThrownBy(() -> replay.pass(Long.MAX_VALUE, IDLE, () -> false))
            .isInstanceOf(TimeoutException.class).hasMessageContaining("no progress").hasMessageContaining("replay-t-0=2");
    }

    @Test
    void aPassStopsIncompleteAtItsStopTime() throws Exception {
        ReplayConsumer replay = replayConsumer(5, 0);
        long stopAt = time.nanoseconds() + Duration.ofSeconds(3).toNanos();
        consumer.schedulePollTask(() -> {
            addRecords(P0, 0, 2, 10);
            time.advanceMillis(4000);
        });

        ReplayPass pass = replay.pass(stopAt, IDLE, () -> false);

        assertThat(pass.complete()).isFalse();
        assertThat(pass.records()).isEqualTo(2);
        assertThat(pass.seconds()).isEqualTo(4.0);
    }

    @Test
    void pollsThatKeepFailingEndThePassWithTheConsumersError() {
        ReplayConsumer replay = replayConsumer(5, 0);
        for (int i = 0; i < ReplayConsumer.MAX_CONSECUTIVE_ERRORS; i++) {
            consumer.schedulePollTask(() -> consumer.setPollException(new KafkaException("broker says no")));
        }

        assertThatThrownBy(() -> replay.pass(Long.MAX_VALUE, IDLE, () -> false))
            .isInstanceOf(KafkaException.class).hasMessage("broker says no");
    }

    @Test
    void replaysAgainFromOffsetZeroUntilTheWindowHasPassed() throws Exception {
        ReplayConsumer replay = replayConsumer(4, 0);
        // Each poll takes a second; whenever the consumer is back at offset 0 the whole partition is there to read.
        for (int i = 0; i < 20; i++) {
            consumer.schedulePollTask(() -> {
                if (consumer.position(P0) == 0) {
                    addRecords(P0, 0, 4, 10);
                }
                time.advanceMillis(1000);
            });
        }

        ReplayResult result = replay.replay(Duration.ofMillis(2500), IDLE, () -> false);

        assertThat(result.expectedRecords()).isEqualTo(4);
        assertThat(result.firstPass()).isEqualTo(new ReplayPass(4, 4 * 12, 0, 1.0, true));
        assertThat(result.completePasses()).isEqualTo(3);
        assertThat(result.laterPasses()).isEqualTo(new ReplayPass(8, 8 * 12, 0, 2.0, true));
        assertThat(result.window().records()).isEqualTo(12);
        assertThat(result.window().seconds()).isEqualTo(3.0);
    }

    @Test
    void aWindowShorterThanOnePassIsJustTheFirstPass() throws Exception {
        ReplayConsumer replay = replayConsumer(3, 1);
        consumer.schedulePollTask(() -> {
            addRecords(P0, 0, 3, 10);
            addRecords(P1, 0, 1, 10);
        });

        ReplayResult result = replay.replay(Duration.ZERO, IDLE, () -> false);

        assertThat(result.completePasses()).isEqualTo(1);
        assertThat(result.laterPasses()).isEqualTo(ReplayPass.NONE);
        assertThat(result.window()).isEqualTo(result.firstPass());
        assertThat(List.of(result.firstPass().records())).containsExactly(4L);
    }
}
