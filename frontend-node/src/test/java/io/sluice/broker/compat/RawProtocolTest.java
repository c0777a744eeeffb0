package io.sluice.broker.compat;

import io.sluice.broker.testing.RawKafkaConnection;
import io.sluice.broker.testing.TestBroker;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Byte-level protocol behaviour that well-behaved clients never show: idempotent retries, corrupt batches,
 * malformed and oversized frames, unsupported ApiVersions versions. After each, the broker keeps serving others.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawProtocolTest {
    private static final short PRODUCE_VERSION = 12;
    @TempDir
    static Path dataDir;
    private TestBroker broker;

    @BeforeAll
    void start(EtcdTestEnv etcd) throws Exception {
        broker = TestBroker.start(etcd, dataDir, Map.of("socket.request.max.bytes", "1048576"));
        broker.createTopic("raw", 1, Map.of());
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void duplicatedIdempotentRetryIsAnsweredWithTheOriginalOffsetAndNotAppendedTwice() throws Exception {
        broker.createTopic("idempotent", 1, Map.of());
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.kafkaAddress())) {
            InitProducerIdResponseData init = ((InitProducerIdResponse) connection.send(
                    new InitProducerIdRequest.Builder(new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000))
                            .build((short) 4))).data();
            assertThat(init.errorCode()).isEqualTo(Errors.NONE.code());
            long producerId = init.producerId();
            MemoryRecords first = idempotentBatch(producerId, (short) 0, 0, "a", "b", "c");
            MemoryRecords second = idempotentBatch(producerId, (short) 0, 3, "d");

            assertThat(produce(connection, "idempotent", first)).satisfies(r -> {
                assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(r.baseOffset()).isZero();
            });
            // the same batch again, as a producer retry after a lost response
            assertThat(produce(connection, "idempotent", idempotentBatch(producerId, (short) 0, 0, "a", "b", "c")))
                    .satisfies(r -> {
                        assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
                        assertThat(r.baseOffset()).isZero();
                    });
            assertThat(produce(connection, "idempotent", second).baseOffset()).isEqualTo(3);
            // a gap in the sequence
            assertThat(produce(connection, "idempotent", idempotentBatch(producerId, (short) 0, 10, "gap")).errorCode())
                    .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
        }
        assertThat(readValues("idempotent", 4)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void corruptCrcIsRejectedWithCorruptMessage() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer corrupted = ByteBuffer.allocate(records.sizeInBytes());
        corrupted.put(records.buffer().duplicate()).flip();
        int lastByte = corrupted.limit() - 1;
        corrupted.put(lastByte, (byte) (corrupted.get(lastByte) ^ 0x5A));
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.kafkaAddress())) {
            ProduceResponseData.PartitionProduceResponse response =
                    produce(connection, "raw", MemoryRecords.readableRecords(corrupted));
            assertThat(response.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
            // the connection is still usable
            assertThat(produce(connection, "raw", records).errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void malformedFrameClosesOnlyThatConnection() throws Exception {
        try (RawKafkaConnection healthy = new RawKafkaConnection(broker.kafkaAddress());
             RawKafkaConnection bad = new RawKafkaConnection(broker.kafkaAddress())) {
            bad.writeFrame(ByteBuffer.wrap(new byte[]{0, 18, 0, 3, 0, 0, 0, 7, (byte) 0xFF, (byte) 0xFF, 1, 2, 3}));
            await().atMost(Duration.ofSeconds(10)).until(bad::isClosedByPeer);
            assertApiVersionsWorks(healthy);
        }
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws Exception {
        try (RawKafkaConnection bad = new RawKafkaConnection(broker.kafkaAddress())) {
            ByteBuffer frame = ByteBuffer.allocate(10).putShort((short) 999).putShort((short) 0).putInt(1)
                    .putShort((short) -1).flip();
            bad.writeFrame(frame);
            await().atMost(Duration.ofSeconds(10)).until(bad::isClosedByPeer);
        }
        try (RawKafkaConnection healthy = new RawKafkaConnection(broker.kafkaAddress())) {
            assertApiVersionsWorks(healthy);
        }
    }

    @Test
    void oversizedSizePrefixClosesTheConnection() throws Exception {
        try (RawKafkaConnection healthy = new RawKafkaConnection(broker.kafkaAddress());
             RawKafkaConnection bad = new RawKafkaConnection(broker.kafkaAddress())) {
            byte[] prefix = ByteBuffer.allocate(4).putInt(512 * 1024 * 1024).array();
            bad.writeRaw(prefix, 0, 4);
            await().atMost(Duration.ofSeconds(10)).until(bad::isClosedByPeer);
            byte[] negative = ByteBuffer.allocate(4).putInt(-5).array();
            try (RawKafkaConnection negativeSize = new RawKafkaConnection(broker.kafkaAddress())) {
                negativeSize.writeRaw(negative, 0, 4);
                await().atMost(Duration.ofSeconds(10)).until(negativeSize::isClosedByPeer);
            }
            assertApiVersionsWorks(healthy);
        }
    }

    @Test
    void aClientThatNeverReadsItsResponsesDoesNotBlockOthers() throws Exception {
        try (RawKafkaConnection stuck = new RawKafkaConnection(broker.kafkaAddress());
             RawKafkaConnection healthy = new RawKafkaConnection(broker.kafkaAddress())) {
            // Pipeline many metadata-heavy requests and never read a byte of the responses.
            org.apache.kafka.common.requests.MetadataRequest request =
                    org.apache.kafka.common.requests.MetadataRequest.Builder.allTopics().build((short) 12);
            for (int i = 0; i < 2_000; i++) {
                stuck.sendNoResponse(request);
            }
            for (int i = 0; i < 20; i++) {
                assertApiVersionsWorks(healthy);
            }
        }
    }

    @Test
    void apiVersionsNewerThanServedGetsAVersionZeroErrorResponse() throws Exception {
        try (RawKafkaConnection connection = new RawKafkaConnection(broker.kafkaAddress())) {
            short future = (short) (ApiKeys.API_VERSIONS.latestVersion() + 5);
            // A v3+ ApiVersions body: client software name and version as compact strings, no tagged fields.
            ByteBuffer body = ByteBuffer.allocate(64);
            body.putShort(ApiKeys.API_VERSIONS.id).putShort(future).putInt(77);
            body.putShort((short) 8).put("raw-test".getBytes(StandardCharsets.UTF_8)).put((byte) 0);
            body.put((byte) 5).put("java".getBytes(StandardCharsets.UTF_8));
            body.put((byte) 4).put("1.0".getBytes(StandardCharsets.UTF_8)).put((byte) 0);
            body.flip();
            connection.writeFrame(body);
            ByteBuffer response = connection.readFrame();
            assertThat(response.getInt()).isEqualTo(77);
            ApiVersionsResponse parsed = ApiVersionsResponse.parse(
                    new org.apache.kafka.common.protocol.ByteBufferAccessor(response), (short) 0);
            assertThat(parsed.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(parsed.data().apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion())
                    .isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        }
    }

    private static void assertApiVersionsWorks(RawKafkaConnection connection) throws Exception {
        ApiVersionsResponseData data = ((ApiVersionsResponse) connection.send(
                new ApiVersionsRequest.Builder(new ApiVersionsRequestData()
                        .setClientSoftwareName("raw-test").setClientSoftwareVersion("1.0"),
                        (short) 3, (short) 3).build((short) 3))).data();
        assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(data.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
        assertThat(data.apiKeys().find(ApiKeys.FETCH.id)).isNotNull();
    }

    private static MemoryRecords idempotentBatch(long producerId, short epoch, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection connection, String topic,
                                                                      MemoryRecords records) throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        data.setTopicData(topics);
        ProduceResponse response = (ProduceResponse) connection.send(
                new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION, data).build(PRODUCE_VERSION));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    private List<String> readValues(String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.stringConsumer(Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // nothing more arrives: no duplicate was appended
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
