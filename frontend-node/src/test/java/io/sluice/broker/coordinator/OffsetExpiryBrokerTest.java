package io.sluice.broker.coordinator;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offset retention on a real in-process broker with a 3 s retention ({@code offsets.retention.ms}, the Sluice-only
 * override) checked every 200 ms: a group whose consumer left loses its offsets and disappears from ListGroups, while
 * a group whose consumer keeps polling keeps the offsets of its subscribed topic.
 */
@ExtendWith(EtcdExtension.class)
class OffsetExpiryBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String TOPIC = "orders";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    @Test
    void anEmptyGroupExpiresAndIsNoLongerListedWhileAnActiveGroupKeepsItsOffsets(EtcdTestEnv etcd,
                                                                                 @TempDir Path dir) throws Exception {
        try (TestBroker broker = TestBroker.start(etcd, dir, Map.of(
                "offsets.retention.ms", "3000",
                "offsets.retention.check.interval.ms", "200",
                "group.min.session.timeout.ms", "1000"));
             Admin admin = broker.admin()) {
            broker.createTopic(TOPIC, 1, Map.of());
            try (KafkaConsumer<String, String> active = subscribedConsumer(broker, "active")) {
                active.commitSync(Map.of(P0, new OffsetAndMetadata(7)));
                try (KafkaConsumer<String, String> leaving = subscribedConsumer(broker, "leaving")) {
                    leaving.commitSync(Map.of(P0, new OffsetAndMetadata(3)));
                }
                assertThat(groupIds(admin)).contains("active", "leaving");
                assertThat(committed(admin, "leaving")).containsEntry(P0, new OffsetAndMetadata(3));

                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                    active.poll(Duration.ofMillis(50));
                    return !groupIds(admin).contains("leaving");
                });
                assertThat(committed(admin, "leaving")).isEmpty();
                // the active group subscribes to the topic: its offset outlives the retention
                assertThat(committed(admin, "active")).containsEntry(P0, new OffsetAndMetadata(7));
                assertThat(groupIds(admin)).contains("active");
            }
        }
    }

    /** A consumer of {@link #TOPIC} in {@code group}, polled until it has its assignment. */
    private static KafkaConsumer<String, String> subscribedConsumer(TestBroker broker, String group) {
        KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000"));
        consumer.subscribe(List.of(TOPIC));
        await().atMost(WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    private static List<String> groupIds(Admin admin) throws Exception {
        return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId).toList();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }
}
