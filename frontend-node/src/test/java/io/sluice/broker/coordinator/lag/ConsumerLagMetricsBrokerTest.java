package io.sluice.broker.coordinator.lag;

import io.sluice.broker.testing.TestBroker;
import io.sluice.broker.tiering.ScrapedMetrics;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * The lag gauges of a real broker on {@code /metrics}: they equal what the Admin client computes (latest offset
 * minus committed offset), follow new records, and disappear with the group or the topic. Also the
 * {@link AdminLogEndOffsets} read against the broker.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumerLagMetricsBrokerTest {
    private static final TopicPartition M0 = new TopicPartition("metered", 0);
    private static final TopicPartition M1 = new TopicPartition("metered", 1);
    @TempDir
    static Path dataDir;
    private TestBroker broker;
    private Admin admin;

    @BeforeAll
    void startBroker(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir, Map.of(LagMetricsConfig.REFRESH_INTERVAL_MS, "100"));
        admin = broker.admin();
    }

    @AfterAll
    void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void lagOnMetricsIsLogEndOffsetMinusCommittedOffsetAndGoesAwayWithTheGroup() throws Exception {
        broker.createTopic("metered", 2, Map.of());
        produce(M0, 6);
        produce(M1, 2);
        admin.alterConsumerGroupOffsets("metered-app", Map.of(M0, new OffsetAndMetadata(1), M1,
                new OffsetAndMetadata(2))).all().get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ScrapedMetrics scraped = scrape();
            assertThat(scraped.text()).contains(labels("metered-app", M0) + "}", labels("metered-app", M1) + "}");
            assertThat(scraped.sum("sluice_consumer_group_lag", labels("metered-app", M0))).isEqualTo(5.0);
            assertThat(scraped.sum("sluice_consumer_group_lag", labels("metered-app", M1))).isEqualTo(0.0);
            assertThat(scraped.sum("sluice_consumer_group_committed_offset", labels("metered-app", M0))).isEqualTo(1.0);
            assertThat(scraped.sum("sluice_consumer_group_committed_offset", labels("metered-app", M1))).isEqualTo(2.0);
            assertThat(scraped.sum("sluice_consumer_group_lag_max", "group=\"metered-app\"")).isEqualTo(5.0);
        });
        assertThat(AdminLag.lagByAdmin(admin, "metered-app")).containsEntry(M0, 5L).containsEntry(M1, 0L);

        produce(M0, 4);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().sum("sluice_consumer_group_lag", labels("metered-app", M0))).isEqualTo(9.0));
        assertThat(AdminLag.lagByAdmin(admin, "metered-app")).containsEntry(M0, 9L);

        admin.deleteConsumerGroups(List.of("metered-app")).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().text()).doesNotContain("group=\"metered-app\""));
    }

    @Test
    void lagOfADeletedTopicGoesAway() throws Exception {
        TopicPartition doomed = new TopicPartition("doomed", 0);
        broker.createTopic("doomed", 1, Map.of());
        produce(doomed, 3);
        admin.alterConsumerGroupOffsets("orphan-app", Map.of(doomed, new OffsetAndMetadata(0)))
                .all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().sum("sluice_consumer_group_lag", labels("orphan-app", doomed))).isEqualTo(3.0));

        admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().text()).doesNotContain("group=\"orphan-app\""));
    }

    @Test
    void highWatermarksAreReadInOneCallAndPartitionsThatDoNotExistAreReported() throws Exception {
        broker.createTopic("ends", 2, Map.of());
        TopicPartition e0 = new TopicPartition("ends", 0);
        TopicPartition e1 = new TopicPartition("ends", 1);
        TopicPartition pastTheCount = new TopicPartition("ends", 7);
        TopicPartition missing = new TopicPartition("no-such-topic", 0);
        produce(e0, 4);
        try (LocalAdmin local = new LocalAdmin(broker::bootstrapServers, 1)) {
            HighWatermarks askingAll = new AdminLogEndOffsets(local, Duration.ofSeconds(20), tp -> true)
                    .highWatermarks(List.of(e0, e1, missing)).get(30, TimeUnit.SECONDS);
            assertThat(askingAll.offsets()).containsOnly(Map.entry(e0, 4L), Map.entry(e1, 0L));
            assertThat(askingAll.unknown()).as("the broker answers UNKNOWN_TOPIC_OR_PARTITION").containsOnly(missing);
            assertThat(askingAll.failed()).isEmpty();

            HighWatermarks known = new AdminLogEndOffsets(local, Duration.ofSeconds(20),
                    tp -> broker.broker().metadataImage().partition(tp).isPresent())
                    .highWatermarks(List.of(e0, pastTheCount, missing)).get(5, TimeUnit.SECONDS);
            assertThat(known.offsets()).containsOnly(Map.entry(e0, 4L));
            assertThat(known.unknown()).as("not asked: the Admin would retry them until its timeout")
                    .containsOnly(pastTheCount, missing);
        }
    }

    private static String labels(String group, TopicPartition tp) {
        return "group=\"" + group + "\",partition=\"" + tp.partition() + "\",topic=\"" + tp.topic() + "\"";
    }

    private ScrapedMetrics scrape() throws Exception {
        return ScrapedMetrics.scrape(broker.broker().httpPort());
    }

    private void produce(TopicPartition tp, int count) throws Exception {
        try (KafkaProducer<String, String> producer = broker.stringProducer(Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "r" + i));
            }
            producer.flush();
        }
    }
}
