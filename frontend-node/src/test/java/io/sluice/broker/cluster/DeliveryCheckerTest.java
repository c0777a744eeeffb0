package io.sluice.broker.cluster;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker itself: each kind of broken promise is caught, and a correct history passes. */
class DeliveryCheckerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final DeliveryChecker checker = new DeliveryChecker();

    @Test
    void correctHistoryPasses() {
        ack(v("a", 0), P0, 0);
        ack(v("b", 0), P0, 1);
        ack(v("a", 1), P1, 0);
        ack(v("a", 2), P0, 2);
        SequencedValue failed = v("b", 1);
        checker.sending(failed, P0).onCompletion(null, new NotEnoughReplicasException("1 of 3"));

        DeliveryReport report = checker.verify(Map.of(
                P0, List.of(read(P0, 0, v("a", 0)), read(P0, 1, v("b", 0)), read(P0, 2, v("a", 2)),
                        read(P0, 3, failed)),
                P1, List.of(read(P1, 0, v("a", 1)))));

        assertThat(report.violations()).isEmpty();
        assertThat(report.acknowledged()).isEqualTo(4);
        assertThat(report.read()).isEqualTo(5);
        assertThat(report.failed()).containsEntry("NotEnoughReplicasException", 1L);
    }

    @Test
    void lostAcknowledgedRecordIsReported() {
        ack(v("a", 0), P0, 0);
        ack(v("a", 1), P0, 1);

        DeliveryReport report = checker.verify(Map.of(P0, List.of(read(P0, 0, v("a", 0)))));

        assertThat(report.violations()).singleElement().asString().startsWith("LOST a-000000000001");
    }

    @Test
    void recordReadAtAnotherOffsetThanAcknowledgedIsReported() {
        ack(v("a", 0), P0, 0);
        ack(v("a", 1), P0, 1);
        SequencedValue unacknowledged = v("b", 0);
        checker.sending(unacknowledged, P0);
        checker.failed(unacknowledged, new org.apache.kafka.common.errors.TimeoutException("expired"));

        // offset 1 was acknowledged for a-1, but after a failover it holds b-0 and a-1 moved to 2
        DeliveryReport report = checker.verify(Map.of(P0, List.of(read(P0, 0, v("a", 0)),
                read(P0, 1, unacknowledged), read(P0, 2, v("a", 1)))));

        assertThat(report.violations()).singleElement().asString()
                .startsWith("MOVED a-000000000001 acknowledged at t-0@1 is read at t-0@2");
    }

    @Test
    void twoRecordsAcknowledgedAtOneOffsetAreReported() {
        ack(v("a", 0), P0, 0);
        ack(v("b", 0), P0, 0);

        DeliveryReport report = checker.verify(Map.of(P0, List.of(read(P0, 0, v("b", 0)))));

        assertThat(report.violations()).anySatisfy(v -> assertThat(v).startsWith("OFFSET_REUSED t-0@0"));
        assertThat(report.violations()).anySatisfy(v -> assertThat(v).startsWith("LOST a-000000000000"));
    }

    @Test
    void duplicateIsReportedEvenForUnacknowledgedRecords() {
        SequencedValue value = v("a", 0);
        checker.sending(value, P0);
        checker.failed(value, new org.apache.kafka.common.errors.TimeoutException("expired"));

        DeliveryReport report = checker.verify(Map.of(P0, List.of(read(P0, 0, value), read(P0, 1, value))));

        assertThat(report.violations()).singleElement().asString()
                .isEqualTo("DUPLICATE a-000000000000 is read at t-0@0 and at t-0@1");
    }

    @Test
    void reorderingWithinAPartitionIsReported() {
        ack(v("a", 1), P0, 0);
        ack(v("a", 0), P0, 1);

        DeliveryReport report = checker.verify(Map.of(P0, List.of(read(P0, 0, v("a", 1)), read(P0, 1, v("a", 0)))));

        assertThat(report.violations()).singleElement().asString().startsWith("REORDERED t-0@1=a-000000000000");
    }

    @Test
    void unknownMisplacedAndNonIncreasingOffsetsAreReported() {
        ack(v("a", 0), P0, 0);
        ack(v("a", 1), P1, 0);

        DeliveryReport report = checker.verify(Map.of(
                P0, List.of(read(P0, 0, v("a", 0)), new ReadRecord(P0, 1, "garbage"), read(P0, 1, v("z", 9))),
                P1, List.of(read(P1, 0, v("a", 1)))));

        List<String> kinds = new ArrayList<>();
        report.violations().forEach(v -> kinds.add(v.substring(0, v.indexOf(' '))));
        assertThat(kinds).containsExactlyInAnyOrder("UNKNOWN", "UNKNOWN", "OFFSETS_NOT_INCREASING");

        DeliveryChecker other = new DeliveryChecker();
        other.sending(v("m", 0), P1).onCompletion(new RecordMetadata(P1, 0, 0, 0, 0, 0), null);
        assertThat(other.verify(Map.of(P0, List.of(read(P0, 0, v("m", 0))))).violations())
                .anySatisfy(v -> assertThat(v).startsWith("MISPLACED t-0@0=m-000000000000|").endsWith("was sent to t-1"));
    }

    @Test
    void verifyingWithPendingSendsIsRefused() {
        checker.sending(v("a", 0), P0);

        assertThatThrownBy(() -> checker.verify(Map.of())).isInstanceOf(IllegalStateException.class);
        assertThat(checker.pendingCount()).isEqualTo(1);
    }

    @Test
    void valuesRoundTripWithPadding() {
        SequencedValue value = v("p_3", 1234567);
        assertThat(SequencedValue.parse(value.encode(100))).contains(value);
        assertThat(SequencedValue.parse(value.encode())).contains(value);
        assertThat(SequencedValue.parse("p-x")).isEmpty();
        assertThat(SequencedValue.parse(null)).isEmpty();
    }

    private void ack(SequencedValue value, TopicPartition partition, long offset) {
        checker.sending(value, partition).onCompletion(new RecordMetadata(partition, offset, 0, 0, 0, 0), null);
    }

    private static SequencedValue v(String producer, long sequence) {
        return new SequencedValue(producer, sequence);
    }

    private static ReadRecord read(TopicPartition partition, long offset, SequencedValue value) {
        return new ReadRecord(partition, offset, value.encode(8));
    }
}
