package io.sluice.tiering.remote;

import io.sluice.metadata.BrokerLease;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.NewTopicRequest;
import io.sluice.metadata.TopicMetadata;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.log.SegmentInfo;
import io.sluice.tiering.objectstore.InMemoryObjectStore;
import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.ObjectSummary;
import io.sluice.tiering.objectstore.Retrier;
import io.sluice.tiering.objectstore.RetryPolicy;
import io.sluice.tiering.objectstore.RetryingObjectStore;
import io.sluice.storage.ManualTime;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static io.sluice.metadata.testing.TestFutures.assertFails;
import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link SegmentUploader} through object store failures injected in an {@link InMemoryObjectStore}, real etcd. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentUploaderFaultsTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 0.5);

    private MetadataStore metadata;
    private BrokerLease broker;
    private ScheduledExecutorService scheduler;
    private ExecutorService io;

    @TempDir
    Path dir;
    private InMemoryObjectStore memory;
    private TopicIdPartition tp;
    private TestLog log;

    @BeforeAll
    void start(EtcdTestEnv etcd) {
        metadata = MetadataStore.connect(etcd.storeConfig().build());
        broker = join(metadata.registerBroker(BrokerRegistration.of(1, "a", 9092, 0)));
        scheduler = Executors.newSingleThreadScheduledExecutor();
        io = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    void stop() {
        broker.close();
        metadata.close();
        scheduler.shutdownNow();
        io.shutdownNow();
    }

    @BeforeEach
    void newTopic() {
        TopicMetadata topic = join(metadata.createTopic(NewTopicRequest.withAssignments(
            "faults-" + TOPICS.incrementAndGet(), Map.of(0, List.of(1))), List.of(broker.registration())));
        tp = new TopicIdPartition(topic.topicId(), 0, topic.name());
        log = new TestLog(dir, new TopicPartition(topic.name(), 0)).append(30, 0);
        memory = new InMemoryObjectStore();
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    private SegmentUploader uploader(ObjectStore store, Time time) {
        return new SegmentUploader(store, metadata, time, io, Duration.ofMinutes(30));
    }

    private CompletableFuture<RemoteSegmentMetadata> upload(SegmentUploader uploader) {
        SegmentInfo segment = log.sealed().get(0);
        return uploader.upload(new SegmentUpload(tp, segment, log.log().leaderEpochCache().epochEntries(), 0, 1,
            broker.brokerEpoch()));
    }

    @Test
    void throttledWritesAreRetriedUntilTheSegmentIsUploaded() {
        memory.failNext(InMemoryObjectStore.Operation.PUT, 3, ObjectStoreException.Kind.THROTTLED);
        RetryingObjectStore store = new RetryingObjectStore(memory, new Retrier(FAST, scheduler));

        RemoteSegmentMetadata uploaded = join(upload(uploader(store, Time.SYSTEM)));

        assertThat(memory.calls(InMemoryObjectStore.Operation.PUT)).isEqualTo(4 + 3);
        assertThat(store.retrier().retries()).isEqualTo(3);
        assertThat(memory.keys()).containsExactlyInAnyOrderElementsOf(uploaded.objects().keys());
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(uploaded);
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTheUploadWithoutRegisteringAndALaterUploadSucceeds() {
        RetryingObjectStore store = new RetryingObjectStore(memory, new Retrier(FAST, scheduler));
        memory.setAvailable(false);

        assertFails(upload(uploader(store, Time.SYSTEM))).isInstanceOf(ObjectStoreException.class)
            .matches(ObjectStoreException::isRetriable, "retriable");
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();

        memory.setAvailable(true);
        assertThat(memory.keys()).isEmpty();
        RemoteSegmentMetadata uploaded = join(upload(uploader(store, Time.SYSTEM)));
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(uploaded);
    }

    @Test
    void aPermanentWriteFailureDeletesTheObjectsAlreadyWritten() {
        // the first PUT succeeds, the second is denied: the upload fails and cleans up the first object
        AtomicInteger puts = new AtomicInteger();
        ObjectStore failingSecondPut = new DelegatingStore(memory) {
            @Override
            public CompletableFuture<Void> put(String key, Path file) {
                if (puts.incrementAndGet() == 2) {
                    return CompletableFuture.failedFuture(ObjectStoreException.of(
                        ObjectStoreException.Kind.ACCESS_DENIED, "denied " + key));
                }
                return super.put(key, file);
            }
        };

        assertFails(upload(uploader(failingSecondPut, Time.SYSTEM))).isInstanceOf(ObjectStoreException.class);

        assertThat(memory.keys()).as("no object left behind").isEmpty();
        assertThat(memory.calls(InMemoryObjectStore.Operation.DELETE)).isEqualTo(1);
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();
    }

    @Test
    void anUploadSlowerThanTheOrphanSafetyBoundIsNotRegistered() {
        ManualTime time = new ManualTime(System.currentTimeMillis());
        ObjectStore slow = new DelegatingStore(memory) {
            @Override
            public CompletableFuture<Void> put(String key, ByteBuffer data) {
                time.advance(Duration.ofMinutes(31).toMillis());
                return super.put(key, data);
            }
        };

        assertFails(upload(uploader(slow, time))).isInstanceOf(TimeoutException.class);

        assertThat(memory.keys()).isEmpty();
        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();
    }

    @Test
    void aRegistrationWhoseAnswerWasLostIsFoundByReadingBack() {
        MetadataStore answerLost = interceptRegistration(real -> real.thenCompose(registered ->
            CompletableFuture.failedFuture(new TimeoutException("etcd did not answer in time"))));
        SegmentUploader uploader = new SegmentUploader(memory, answerLost, Time.SYSTEM, io);

        RemoteSegmentMetadata uploaded = join(upload(uploader));

        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).containsExactly(uploaded);
        assertThat(memory.keys()).containsExactlyInAnyOrderElementsOf(uploaded.objects().keys());
    }

    @Test
    void aRegistrationOfUnknownOutcomeLeavesTheObjectsForTheOrphanCollector() {
        MetadataStore timingOut = interceptRegistration(real -> CompletableFuture.failedFuture(
            new TimeoutException("etcd did not answer in time")));
        SegmentUploader uploader = new SegmentUploader(memory, timingOut, Time.SYSTEM, io);

        assertFails(upload(uploader)).isInstanceOf(TimeoutException.class);

        assertThat(join(metadata.remoteSegments(tp.topicId(), 0))).isEmpty();
        assertThat(memory.keys()).as("not deleted: a registration might still land").hasSize(4);
        ManualTime later = new ManualTime(System.currentTimeMillis() + Duration.ofHours(2).toMillis());
        OrphanCollector.Result collected = join(new OrphanCollector(memory, metadata, later, Duration.ofHours(1))
            .collect(tp.topicId(), 0));
        assertThat(collected.deleted()).hasSize(4);
        assertThat(memory.keys()).isEmpty();
    }

    /**
     * The real metadata store, except that {@code registerRemoteSegment} answers with {@code answer} applied to the
     * real call's future (which is only made if {@code answer} uses it).
     */
    private MetadataStore interceptRegistration(
        java.util.function.Function<CompletableFuture<RemoteSegmentMetadata>, CompletableFuture<RemoteSegmentMetadata>>
            answer) {
        return (MetadataStore) java.lang.reflect.Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
            new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("registerRemoteSegment")) {
                    CompletableFuture<RemoteSegmentMetadata> lazy = new CompletableFuture<>();
                    CompletableFuture<RemoteSegmentMetadata> answered = answer.apply(lazy);
                    if (!answered.isDone()) {
                        metadata.registerRemoteSegment((RemoteSegmentMetadata) args[0], (int) args[1], (int) args[2],
                            (long) args[3]).whenComplete((v, e) -> {
                                if (e == null) {
                                    lazy.complete(v);
                                } else {
                                    lazy.completeExceptionally(e);
                                }
                            });
                    }
                    return answered;
                }
                try {
                    return method.invoke(metadata, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** Forwards every call. */
    private static class DelegatingStore implements ObjectStore {
        private final ObjectStore delegate;

        DelegatingStore(ObjectStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Void> put(String key, Path file) {
            return delegate.put(key, file);
        }

        @Override
        public CompletableFuture<Void> put(String key, ByteBuffer data) {
            return delegate.put(key, data);
        }

        @Override
        public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
            return delegate.getRange(key, position, length);
        }

        @Override
        public CompletableFuture<ByteBuffer> get(String key) {
            return delegate.get(key);
        }

        @Override
        public CompletableFuture<List<ObjectSummary>> list(String prefix) {
            return delegate.list(prefix);
        }

        @Override
        public CompletableFuture<Void> delete(Collection<String> keys) {
            return delegate.delete(keys);
        }

        @Override
        public CompletableFuture<Optional<ObjectSummary>> head(String key) {
            return delegate.head(key);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
