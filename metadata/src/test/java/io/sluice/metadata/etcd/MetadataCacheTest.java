package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataCache;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.metadata.testing.TcpProxy;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EtcdExtension.class)
class MetadataCacheTest {

    private static final List<BrokerRegistration> BROKERS = List.of(BrokerRegistration.of(1, "a", 9092, 0),
        BrokerRegistration.of(2, "b", 9092, 0));

    /** Records every update a listener gets. */
    private static final class Recorder {
        final List<MetadataDelta> deltas = new CopyOnWriteArrayList<>();
        final List<MetadataImage> images = new CopyOnWriteArrayList<>();

        MetadataCache.Subscription subscribe(MetadataCache cache) {
            return cache.addListener((delta, image) -> {
                deltas.add(delta);
                images.add(image);
            });
        }

        List<String> createdTopics() {
            return deltas.stream().flatMap(d -> d.createdTopics().stream()).map(TopicMetadata::name).toList();
        }

        List<String> deletedTopics() {
            return deltas.stream().flatMap(d -> d.deletedTopics().stream()).map(TopicMetadata::name).toList();
        }
    }

    @Test
    void listenersSeeWritesFromAnotherStoreInRevisionOrder(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore writer = MetadataStore.connect(config); MetadataStore reader = MetadataStore.connect(config)) {
            join(reader.cache().ready());
            Recorder recorder = new Recorder();
            recorder.subscribe(reader.cache());

            BrokerLease lease = join(writer.registerBroker(BROKERS.get(0)));
            TopicMetadata topic = join(writer.createTopic(NewTopicRequest.of("watched", 2, 2), BROKERS));
            PartitionState initial = topic.partition(0).orElseThrow();
            PartitionState moved = new PartitionState(initial.replicas().get(1), 1, initial.replicas(),
                List.of(initial.replicas().get(1)), 1);
            assertThat(join(writer.compareAndSetPartitionState(topic.topicId(), 0, initial, moved))).isTrue();
            join(writer.deleteTopic("watched"));
            lease.close();

            MetadataImage latest = join(reader.cache().awaitLatest(Duration.ofSeconds(5)));

            assertThat(latest.topicsByName()).isEmpty();
            assertThat(latest.brokers()).isEmpty();
            assertThat(recorder.images).extracting(MetadataImage::revision).isSorted().doesNotHaveDuplicates();
            assertThat(recorder.createdTopics()).containsExactly("watched");
            assertThat(recorder.deletedTopics()).containsExactly("watched");
            assertThat(recorder.deltas).flatExtracting(MetadataDelta::registeredBrokers).containsExactly(BROKERS.get(0));
            assertThat(recorder.deltas).flatExtracting(MetadataDelta::unregisteredBrokers)
                .containsExactly(BROKERS.get(0));
            assertThat(recorder.deltas).flatExtracting(MetadataDelta::partitionChanges)
                .filteredOn(c -> c.previous().isPresent() && c.current().isPresent())
                .singleElement().satisfies(c -> {
                    assertThat(c.partition().partition()).isZero();
                    assertThat(c.current()).contains(moved);
                });
        }
    }

    @Test
    void aLateListenerFirstGetsEverythingThatExists(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore store = MetadataStore.connect(config)) {
            join(store.getOrCreateClusterId());
            join(store.createTopic(NewTopicRequest.of("early", 1, 1), BROKERS));
            Recorder recorder = new Recorder();

            recorder.subscribe(store.cache());

            await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.deltas.isEmpty());
            MetadataDelta first = recorder.deltas.get(0);
            assertThat(first.previousRevision()).isZero();
            assertThat(first.clusterIdCreated()).isPresent();
            assertThat(first.createdTopics()).extracting(TopicMetadata::name).containsExactly("early");
            assertThat(first.partitionChanges()).hasSize(1);

            join(store.createTopic(NewTopicRequest.of("later", 1, 1), BROKERS));
            assertThat(recorder.createdTopics()).as("listeners ran before the write completed")
                .containsExactly("early", "later");
        }
    }

    @Test
    void waitingForARevisionThatNeverComesTimesOut(EtcdTestEnv env) {
        try (MetadataStore store = MetadataStore.connect(env.isolatedStoreConfig().build())) {
            MetadataImage ready = join(store.cache().ready());

            assertFails(store.cache().awaitRevision(ready.revision() + 1_000_000, Duration.ofMillis(300)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("did not reach etcd revision");
            assertThat(join(store.cache().awaitRevision(ready.revision(), Duration.ofMillis(300))).revision())
                .isGreaterThanOrEqualTo(ready.revision());
        }
    }

    @Test
    void revisionsWrittenOutsideTheNamespaceAreReachedToo(EtcdTestEnv env) throws Exception {
        try (MetadataStore store = MetadataStore.connect(env.isolatedStoreConfig().build());
             Client raw = Client.builder().endpoints(env.endpoint()).build()) {
            join(store.cache().ready());
            long foreign = raw.getKVClient().put(bytes(env.namespace() + "-elsewhere/key"), bytes("x"))
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();

            MetadataImage image = join(store.cache().awaitRevision(foreign, Duration.ofSeconds(5)));

            assertThat(image.revision()).isGreaterThanOrEqualTo(foreign);
        }
    }

    @Test
    void theCacheRecoversAfterLosingEtcdWhileHistoryWasCompacted(EtcdTestEnv env) throws Exception {
        MetadataStoreConfig direct = env.isolatedStoreConfig().build();
        try (TcpProxy proxy = TcpProxy.forEndpoint(env.endpoint());
             MetadataStore writer = MetadataStore.connect(direct);
             MetadataStore reader = MetadataStore.connect(MetadataStoreConfig.builder(proxy.endpoint())
                 .namespace(direct.namespace()).requestTimeout(Duration.ofSeconds(2)).build());
             Client raw = Client.builder().endpoints(env.endpoint()).build()) {
            join(writer.createTopic(NewTopicRequest.of("before", 1, 1), BROKERS));
            join(reader.cache().awaitLatest(Duration.ofSeconds(5)));
            Recorder recorder = new Recorder();
            recorder.subscribe(reader.cache());
            await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.deltas.isEmpty());

            proxy.cut();
            join(writer.deleteTopic("before"));
            TopicMetadata after = join(writer.createTopic(NewTopicRequest.of("after", 2, 1), BROKERS));
            long now = join(writer.cache().awaitLatest(Duration.ofSeconds(5))).revision();
            raw.getKVClient().compact(now).get(10, TimeUnit.SECONDS);
            assertThat(reader.cache().image().topic("before")).as("cut off: still the old view").isPresent();
            proxy.restore();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(reader.cache().image().topic("after")).contains(after);
                assertThat(reader.cache().image().topic("before")).isEmpty();
            });
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(recorder.createdTopics()).containsExactly("before", "after");
                assertThat(recorder.deletedTopics()).containsExactly("before");
            });
            join(writer.createTopic(NewTopicRequest.of("after-recovery", 1, 1), BROKERS));
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(reader.cache().image().topic("after-recovery")).isPresent());
        }
    }

    @Test
    void loadingReadsEveryPageAtOneRevision(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (MetadataStore writer = MetadataStore.connect(config);
             Client raw = Client.builder().endpoints(env.endpoint()).build()) {
            join(writer.registerBroker(BROKERS.get(0)));
            for (int i = 0; i < 7; i++) {
                join(writer.createTopic(NewTopicRequest.of("paged-" + i, 1, 1), BROKERS));
            }
            EtcdMetadataCache cache = new EtcdMetadataCache(raw, new EtcdKeys(config.namespace()),
                new EtcdCalls(Duration.ofSeconds(5)), scheduler, "paging-test", 2);
            try {
                cache.start();

                MetadataImage loaded = join(cache.ready());

                assertThat(loaded.topicsByName()).hasSize(7);
                assertThat(loaded.brokers()).containsOnlyKeys(1);
                assertThat(loaded).usingRecursiveComparison().isEqualTo(
                    join(writer.cache().awaitRevision(loaded.revision(), Duration.ofSeconds(5)))
                        .withRevision(loaded.revision()));
                join(writer.createTopic(NewTopicRequest.of("paged-after", 1, 1), BROKERS));
                await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(cache.image().topic("paged-after")).isPresent());
            } finally {
                cache.close();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
