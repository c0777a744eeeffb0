package io.sluice.broker.testing;

import io.sluice.broker.Broker;
import io.sluice.broker.config.BrokerConfig;
import io.sluice.metadata.testing.EtcdTestEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A broker running inside the test JVM against the shared test etcd, with its own etcd namespace, its log dir
 * under a JUnit temp dir, and ports picked by the OS. {@link #restart()} closes it cleanly and starts it again on
 * the same data.
 */
public final class TestBroker implements AutoCloseable {
    private final Map<String, String> settings;
    private Broker broker;

    private TestBroker(Map<String, String> settings) throws Exception {
        this.settings = settings;
        this.broker = Broker.start(BrokerConfig.fromMap(settings));
    }

    /**
     * @param overrides broker settings on top of the test defaults (node.id 1, ports 0)
     */
    public static TestBroker start(EtcdTestEnv etcd, Path dataDir, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(baseSettings(etcd.endpoint(), etcd.newNamespace(), dataDir));
        settings.putAll(overrides);
        return new TestBroker(settings);
    }

    public static TestBroker start(EtcdTestEnv etcd, Path dataDir) throws Exception {
        return start(etcd, dataDir, Map.of());
    }

    /** The settings a test broker starts with. */
    public static Map<String, String> baseSettings(String etcdEndpoint, String namespace, Path dataDir) {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", "1");
        settings.put("log.dirs", dataDir.resolve("logs").toString());
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("http.listeners", "http://127.0.0.1:0");
        settings.put("etcd.endpoints", etcdEndpoint);
        settings.put("etcd.namespace", namespace);
        settings.put("broker.session.timeout.ms", "2000");
        settings.put("controller.lease.ttl.ms", "2000");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("offsets.topic.num.partitions", "5");
        return settings;
    }

    public Broker broker() {
        return broker;
    }

    public InetSocketAddress kafkaAddress() {
        return broker.kafkaAddress();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + broker.kafkaAddress().getPort();
    }

    public Path logDir() {
        return Path.of(settings.get("log.dirs"));
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + broker.httpPort();
    }

    /** Closes the broker cleanly and starts it again on the same log dir and namespace (same ports not kept). */
    public void restart() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.fromMap(settings));
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Creates a topic through the Admin API and waits for it. */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    public KafkaProducer<String, String> stringProducer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    public KafkaProducer<byte[], byte[]> bytesProducer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    /** A consumer without a group (for {@code assign()}), reading from the earliest offset. */
    public KafkaConsumer<String, String> stringConsumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(overrides);
        return new KafkaConsumer<>(props);
    }

    public KafkaConsumer<byte[], byte[]> bytesConsumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(overrides);
        return new KafkaConsumer<>(props);
    }

    @Override
    public void close() {
        broker.close();
    }
}
