package io.sluice.broker.tiering;

import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import io.sluice.storage.log.PartitionLog;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4's end-to-end checks on one in-process broker against a real etcd and a real S3-compatible server (S3Proxy):
 * with small segments and a small {@code local.retention.bytes}, sealed segments move to the bucket, local files go,
 * and a consumer from offset 0 (Kafka client and HTTP) reads every record across the remote/local boundary exactly
 * as produced; ListOffsets covers remote segments; retention deletes remote objects and registrations.
 */
@ExtendWith({EtcdExtension.class, S3Extension.class})
class TieredReplayTest {
    private static final int RECORDS = 1000;
    private static S3ObjectStore bucket;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestBroker broker;

    @BeforeAll
    static void openBucket(S3TestEnv s3) throws Exception {
        bucket = S3ObjectStore.open(s3.s3Config().build()).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private TestBroker start(EtcdTestEnv etcd, S3TestEnv s3, Path dir, String namespace, String prefix)
            throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", "1");
        settings.put("etcd.namespace", namespace);
        settings.put("remote.log.manager.task.interval.ms", "200");
        settings.put("log.retention.check.interval.ms", "200");
        settings.put("log.initial.task.delay.ms", "100");
        settings.put("sluice.remote.fetch.chunk.bytes", "8192");
        settings.put("sluice.s3.endpoint", s3.endpoint());
        settings.put("sluice.s3.bucket", s3.bucket());
        settings.put("sluice.s3.prefix", prefix);
        settings.put("sluice.s3.access.key", s3.accessKey());
        settings.put("sluice.s3.secret.key", s3.secretKey());
        broker = TestBroker.start(etcd, dir.resolve("b1"), settings);
        return broker;
    }

    @Test
    void historyMovesToTheBucketAndReplaysByteIdenticalOverKafkaAndHttp(EtcdTestEnv etcd, S3TestEnv s3,
                                                                       @TempDir Path dir) throws Exception {
        String namespace = etcd.newNamespace();
        start(etcd, s3, dir, namespace, "replay");
        broker.createTopic("history", 1, Map.of("segment.bytes", "8192", "local.retention.bytes", "16384"));
        List<ProducerRecord<byte[], byte[]>> sent = produce("history", RECORDS);
        TopicPartition tp = new TopicPartition("history", 0);
        PartitionLog log = broker.broker().replicaManager().partition(tp).orElseThrow().log();

        // more than ten segments reach the bucket and etcd; local files below the local log start offset go
        MetadataStore store = metadata(etcd, namespace);
        Uuid topicId = broker.broker().metadataImage().topic("history").orElseThrow().topicId();
        await().atMost(Duration.ofSeconds(60)).until(() -> log.localLogStartOffset() > 0
                && store.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS).size() > 10);
        List<RemoteSegmentMetadata> remote = settledRegistrations(store, topicId, "replay/");
        assertThat(log.logStartOffset()).isZero();
        long localStart = log.localLogStartOffset();
        assertThat(localSegmentFiles(tp)).allMatch(base -> base >= localStart);
        assertThat(remote.get(0).baseOffset()).isZero();

        // Kafka consumer from offset 0: every record, in order, as produced
        try (KafkaConsumer<byte[], byte[]> consumer = broker.bytesConsumer(Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 5000))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= RECORDS;
            });
            assertThat(read).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                ConsumerRecord<byte[], byte[]> r = read.get(i);
                assertThat(r.offset()).isEqualTo(i);
                assertThat(r.key()).isEqualTo(sent.get(i).key());
                assertThat(r.value()).isEqualTo(sent.get(i).value());
                assertThat(r.timestamp()).isEqualTo(sent.get(i).timestamp());
                assertThat(r.headers().lastHeader("n").value()).isEqualTo(sent.get(i).headers().lastHeader("n").value());
            }
        }

        // HTTP, binary: the concatenated batches from offset 0 are the bytes of the remote objects, then local files
        byte[] overHttp = httpBinaryFrom(tp, 0, log.highWatermark());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        long next = 0;
        for (RemoteSegmentMetadata segment : remote) {
            if (segment.baseOffset() >= log.localLogStartOffset()) {
                break;
            }
            ByteBuffer object = bucket.get("replay/" + segment.objects().log().key()).get(10, TimeUnit.SECONDS);
            byte[] bytes = new byte[object.remaining()];
            object.get(bytes);
            expected.write(bytes);
            next = segment.lastOffset() + 1;
        }
        for (long base : localSegmentFiles(tp)) {
            if (base >= next) {
                expected.write(Files.readAllBytes(broker.logDir().resolve("history-0")
                        .resolve(String.format("%020d.log", base))));
            }
        }
        assertThat(overHttp).hasSize(expected.size());
        assertThat(Arrays.equals(overHttp, expected.toByteArray())).as("byte-identical replay over HTTP").isTrue();
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(overHttp)).batches()) {
            batch.ensureValid();
            for (Record record : batch) {
                offsets.add(record.offset());
            }
        }
        assertThat(offsets).hasSize(RECORDS).first().isEqualTo(0L);

        // ListOffsets: earliest is 0 (remote), earliest-local is the local log start, timestamps find remote offsets
        try (Admin admin = broker.admin()) {
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset())
                    .isZero();
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliestLocal())).partitionResult(tp).get().offset())
                    .isEqualTo(log.localLogStartOffset()).isPositive();
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latestTiered())).partitionResult(tp).get().offset())
                    .isEqualTo(log.highestOffsetInRemoteStorage()).isGreaterThanOrEqualTo(log.localLogStartOffset() - 1);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.bytesConsumer(Map.of())) {
            for (int i : new int[]{0, 7, 123, (int) log.localLogStartOffset() - 1, RECORDS - 1}) {
                OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(tp, sent.get(i).timestamp()))
                        .get(tp);
                assertThat(found.offset()).as("offset for the timestamp of record %d", i).isEqualTo(i);
            }
        }
    }

    @Test
    void retentionDeletesRemoteSegmentsAndMovesTheLogStartOffset(EtcdTestEnv etcd, S3TestEnv s3,
                                                                @TempDir Path dir) throws Exception {
        String namespace = etcd.newNamespace();
        start(etcd, s3, dir, namespace, "retention");
        broker.createTopic("expiring", 1, Map.of("segment.bytes", "8192", "local.retention.bytes", "16384"));
        produce("expiring", RECORDS);
        TopicPartition tp = new TopicPartition("expiring", 0);
        PartitionLog log = broker.broker().replicaManager().partition(tp).orElseThrow().log();
        MetadataStore store = metadata(etcd, namespace);
        Uuid topicId = broker.broker().metadataImage().topic("expiring").orElseThrow().topicId();
        await().atMost(Duration.ofSeconds(60)).until(() -> log.localLogStartOffset() > 0
                && store.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS).size() > 10);
        List<RemoteSegmentMetadata> before = settledRegistrations(store, topicId, "retention/");

        try (Admin admin = broker.admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "expiring"),
                    List.of(new AlterConfigOp(new ConfigEntry("retention.bytes", "60000"), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("local.retention.bytes", "16384"),
                                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        // retention ends with the log start offset at the first remaining registration and only its objects left
        List<RemoteSegmentMetadata> remaining = await().atMost(Duration.ofSeconds(60)).until(
                () -> settledRegistrations(store, topicId, "retention/"),
                segments -> !segments.isEmpty() && log.logStartOffset() > 0
                        && segments.get(0).baseOffset() == log.logStartOffset());
        long logStart = log.logStartOffset();
        assertThat(remaining).allMatch(s -> s.baseOffset() >= logStart);
        assertThat(remaining.size()).isLessThan(before.size());
        // Kafka's rule: the oldest segments go while the log stays at least retention.bytes without them, so what
        // remains minus its oldest segment is below the limit
        long remoteBytes = remaining.stream().mapToLong(RemoteSegmentMetadata::sizeInBytes).sum();
        assertThat(remoteBytes - remaining.get(0).sizeInBytes()).isLessThan(60000);

        try (Admin admin = broker.admin()) {
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset())
                    .isEqualTo(logStart);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.bytesConsumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(OffsetOutOfRangeException.class);
            consumer.seek(tp, logStart);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
            assertThat(read.get(0).offset()).isEqualTo(logStart);
        }
    }

    /** The registrations once every upload in flight registered: the bucket holds exactly their four objects each. */
    private static List<RemoteSegmentMetadata> settledRegistrations(MetadataStore store, Uuid topicId, String prefix) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> store.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS),
                segments -> objectCount(prefix) == 4 * segments.size()
                        && registrations(store, topicId).size() == segments.size());
    }

    private static int objectCount(String prefix) {
        try {
            return bucket.list(prefix).get(10, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<RemoteSegmentMetadata> registrations(MetadataStore store, Uuid topicId) {
        try {
            return store.remoteSegments(topicId, 0).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ProducerRecord<byte[], byte[]>> produce(String topic, int count) throws Exception {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        long base = System.currentTimeMillis() - count * 10L;
        try (KafkaProducer<byte[], byte[]> producer = broker.bytesProducer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            for (int i = 0; i < count; i++) {
                byte[] value = ("value-" + i + "-" + "x".repeat(100 + i % 50)).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, base + i * 10L,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
                record.headers().add(new RecordHeader("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                producer.send(record).get(30, TimeUnit.SECONDS);
                sent.add(record);
            }
        }
        return sent;
    }

    private byte[] httpBinaryFrom(TopicPartition tp, long from, long end) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long offset = from;
        while (offset < end) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(broker.httpUrl()
                    + "/v3/clusters/local/topics/" + tp.topic() + "/partitions/" + tp.partition() + "/records?offset="
                    + offset + "&format=binary&max_bytes=6000")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("HTTP fetch at offset %d", offset).isEqualTo(200);
            long next = Long.parseLong(response.headers().firstValue("X-Sluice-Next-Offset").orElseThrow());
            assertThat(next).as("progress from offset %d", offset).isGreaterThan(offset);
            all.write(response.body());
            offset = next;
        }
        return all.toByteArray();
    }

    private List<Long> localSegmentFiles(TopicPartition tp) throws Exception {
        try (var files = Files.list(broker.logDir().resolve(tp.topic() + "-" + tp.partition()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - 4))).sorted().toList();
        }
    }

    private MetadataStore metadata(EtcdTestEnv etcd, String namespace) {
        MetadataStore store = MetadataStore.connect(MetadataStoreConfig.builder(etcd.endpoint())
                .namespace(namespace).build());
        closeables.add(store);
        return store;
    }
}
