package io.sluice.loadtests.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.loadtests.report.StageSummary;
import io.sluice.loadtests.workload.ManualTime;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class BulkLoaderTest {
    @Test
    void spreadsTheRecordsEvenlyOverThePartitionsAndCountsTheAcknowledgedBytes() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        BulkLoader loader = new BulkLoader(producer, "replay-t", 3, 512, new ManualTime());

        StageSummary load = loader.load(3001, null);

        assertThat(load.records()).isEqualTo(3001);
        assertThat(load.bytes()).isEqualTo(3001L * 512);
        assertThat(load.errors()).isZero();
        Map<Integer, Long> perPartition = producer.history().stream()
            .collect(Collectors.groupingBy(ProducerRecord::partition, Collectors.counting()));
        assertThat(perPartition).containsExactlyInAnyOrderEntriesOf(Map.of(0, 1001L, 1, 1000L, 2, 1000L));
        assertThat(producer.history()).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("replay-t");
            assertThat(r.key()).isNull();
            assertThat(r.value()).hasSize(512);
        });
        assertThat(producer.flushed()).isTrue();
    }

    @Test
    void failedRecordsAreCountedNotAcknowledged() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                int i = 0;
                while (i++ % 2 == 0 ? errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too big")) : completeNext()) {
                    // alternate failure and success until nothing is pending
                }
            }
        };
        BulkLoader loader = new BulkLoader(producer, "replay-t", 1, 100, new ManualTime());

        StageSummary load = loader.load(10, null);

        assertThat(load.records()).isEqualTo(5);
        assertThat(load.errorsByKind()).containsExactly(Map.entry("RecordTooLargeException", 5L));
        assertThat(load.bytes()).isEqualTo(500L);
    }
}
