package io.sluice.loadtests.kafka;

import io.sluice.loadtests.workload.KafkaSettings;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Turns a run's {@link KafkaSettings} into client configurations. Extra properties given on the command
 * line are applied last and win.
 */
public final class KafkaClientConfigs {
    private KafkaClientConfigs() {
    }

    /**
     * @param settings the run's Kafka settings
     * @param clientId {@code client.id}
     * @return producer configs with byte-array serializers, {@code acks}, {@code compression.type} and, when
     *     given, {@code batch.size} and {@code linger.ms}
     */
    public static Properties producer(KafkaSettings settings, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, settings.acks());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        if (settings.batchSize() != null) {
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.batchSize().toString());
        }
        if (settings.lingerMs() != null) {
            props.put(ProducerConfig.LINGER_MS_CONFIG, settings.lingerMs().toString());
        }
        props.putAll(settings.producerProperties());
        return props;
    }

    /**
     * @param settings the run's Kafka settings
     * @param clientId {@code client.id}
     * @param resetToEarliest {@code auto.offset.reset} when a position falls out of the log's range
     * @return consumer configs for manual assignment: no {@code group.id}, no offset commits, byte-array
     *     deserializers
     */
    public static Properties consumer(KafkaSettings settings, String clientId, boolean resetToEarliest) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, resetToEarliest ? "earliest" : "latest");
        props.putAll(settings.consumerProperties());
        return props;
    }

    /**
     * @param settings the run's Kafka settings
     * @return admin configs: the bootstrap address and a {@code client.id}
     */
    public static Properties admin(KafkaSettings settings) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "sluice-loadgen-admin");
        return props;
    }
}
