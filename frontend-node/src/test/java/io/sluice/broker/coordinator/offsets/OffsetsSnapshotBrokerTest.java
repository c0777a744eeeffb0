package io.sluice.broker.coordinator.offsets;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code __consumer_offsets} stays bounded on a real in-process broker (one offsets partition, small segments, a
 * fast retention run): many commits lead to snapshots, the log start offset moves, old segment files are deleted; a
 * restarted broker (a new coordinator) loads exactly the latest committed offsets and group metadata, and deleted
 * groups stay deleted.
 */
@ExtendWith(EtcdExtension.class)
class OffsetsSnapshotBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String TOPIC = "orders";

    @Test
    void commitsAreSnapshottedOldSegmentsDeletedAndARestartedCoordinatorSeesTheLatestState(EtcdTestEnv etcd,
                                                                                          @TempDir Path dir)
            throws Exception {
        try (TestBroker broker = TestBroker.start(etcd, dir, Map.of(
                "offsets.topic.num.partitions", "1",
                "offsets.topic.segment.bytes", "2048",
                OffsetsTopic.SNAPSHOT_MIN_RECORDS, "50",
                "log.retention.check.interval.ms", "100",
                "log.initial.task.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"))) {
            broker.createTopic(TOPIC, 2, Map.of());
            TopicPartition p0 = new TopicPartition(TOPIC, 0);
            TopicPartition p1 = new TopicPartition(TOPIC, 1);
            joinAndLeave(broker, "members");
            commitMany(broker, "deleted", 1, p0, p1);
            try (Admin admin = broker.admin()) {
                admin.deleteConsumerGroups(List.of("deleted")).all().get(30, TimeUnit.SECONDS);
            }
            long last = commitMany(broker, "a", 300, p0, p1);
            commitMany(broker, "b", 100, p0, p1);

            Path partitionDir = broker.logDir().resolve(OffsetsTopic.NAME + "-0");
            // about 410 records were written; the retention run deletes the segments below the snapshots' cut
            await().atMost(WAIT).untilAsserted(() -> {
                List<Long> segments = segmentBaseOffsets(partitionDir);
                assertThat(segments).isNotEmpty();
                assertThat(segments.get(0)).isGreaterThan(300);
                assertThat(segments.size()).isLessThan(20);
            });

            broker.restart();

            try (Admin admin = broker.admin()) {
                Map<TopicPartition, OffsetAndMetadata> a = admin.listConsumerGroupOffsets("a")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(a).isEqualTo(Map.of(p0, new OffsetAndMetadata(last, "m" + last),
                        p1, new OffsetAndMetadata(last + 1, "m" + last)));
                assertThat(admin.listConsumerGroupOffsets("b").partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)).containsOnlyKeys(p0, p1);
                assertThat(admin.listConsumerGroupOffsets("deleted").partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)).isEmpty();
                ConsumerGroupDescription members = admin.describeConsumerGroups(List.of("members"))
                        .describedGroups().get("members").get(30, TimeUnit.SECONDS);
                // the group's stored metadata survived: Empty (it existed), not Dead (unknown)
                assertThat(members.groupState()).isEqualTo(GroupState.EMPTY);
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId))
                        .contains("a", "b", "members").doesNotContain("deleted");
            }
        }
    }

    /** Commits {@code count} times to both partitions (offsets 1..count and 2..count+1); returns the last. */
    private static long commitMany(TestBroker broker, String group, int count, TopicPartition p0, TopicPartition p1) {
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"))) {
            consumer.assign(List.of(p0, p1));
            for (long i = 1; i <= count; i++) {
                consumer.commitSync(Map.of(p0, new OffsetAndMetadata(i, "m" + i),
                        p1, new OffsetAndMetadata(i + 1, "m" + i)));
            }
        }
        return count;
    }

    /** A consumer joins {@code group} (so the group's metadata is stored) and leaves it Empty. */
    private static void joinAndLeave(TestBroker broker, String group) {
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000"))) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
        }
    }

    private static List<Long> segmentBaseOffsets(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - ".log".length()))).sorted().toList();
        }
    }
}
