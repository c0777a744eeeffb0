package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.sluice.metadata.BrokerRegistration;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mutable state behind the cache: raw etcd values applied one key at a time, turned into an immutable
 * {@link MetadataImage} on demand. Topics that did not change since the last build keep the same
 * {@link TopicMetadata} instance, so building and diffing cost little for unchanged topics.
 *
 * <p>Not thread-safe: the cache calls it under its lock. A value that cannot be decoded is logged and treated as
 * absent.
 */
final class ImageBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);

    private final EtcdKeys keys;
    private String clusterId;
    private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();
    private final Map<Integer, Long> brokerEpochs = new HashMap<>();
    private StoredValues.ControllerValue controller;
    private int controllerEpoch;
    private final Map<Uuid, StoredValues.TopicValue> topics = new HashMap<>();
    private final Map<Uuid, Map<Integer, PartitionState>> partitionStates = new HashMap<>();
    private final Map<Uuid, TopicMetadata> built = new HashMap<>();

    ImageBuilder(EtcdKeys keys) {
        this.keys = keys;
    }

    /** Applies a put of {@code kv}. */
    void put(KeyValue kv) {
        MetadataKey key = keys.parse(kv.getKey());
        try {
            if (key instanceof MetadataKey.ClusterId) {
                clusterId = decode(kv, StoredValues.ClusterIdValue.class).clusterId();
            } else if (key instanceof MetadataKey.Broker b) {
                brokers.put(b.brokerId(), decode(kv, StoredValues.BrokerValue.class).toRegistration());
                brokerEpochs.put(b.brokerId(), kv.getCreateRevision());
            } else if (key instanceof MetadataKey.Controller) {
                controller = decode(kv, StoredValues.ControllerValue.class);
            } else if (key instanceof MetadataKey.ControllerEpoch) {
                controllerEpoch = decode(kv, StoredValues.ControllerEpochValue.class).epoch();
            } else if (key instanceof MetadataKey.Topic t) {
                topics.put(t.topicId(), decode(kv, StoredValues.TopicValue.class));
                built.remove(t.topicId());
            } else if (key instanceof MetadataKey.Partition p) {
                PartitionState state = decode(kv, StoredValues.PartitionValue.class).toState();
                partitionStates.computeIfAbsent(p.topicId(), id -> new HashMap<>()).put(p.partition(), state);
                built.remove(p.topicId());
            }
            // name claims, producer ids, sync markers and unknown keys are not part of the image
        } catch (RuntimeException e) {
            LOG.error("Ignoring undecodable metadata at {}: {}", kv.getKey().toString(StandardCharsets.UTF_8),
                e.getMessage());
            delete(kv.getKey());
        }
    }

    /** Applies a delete of {@code rawKey}. */
    void delete(ByteSequence rawKey) {
        MetadataKey key = keys.parse(rawKey);
        if (key instanceof MetadataKey.ClusterId) {
            clusterId = null;
        } else if (key instanceof MetadataKey.Broker b) {
            brokers.remove(b.brokerId());
            brokerEpochs.remove(b.brokerId());
        } else if (key instanceof MetadataKey.Controller) {
            controller = null;
        } else if (key instanceof MetadataKey.ControllerEpoch) {
            controllerEpoch = 0;
        } else if (key instanceof MetadataKey.Topic t) {
            topics.remove(t.topicId());
            built.remove(t.topicId());
        } else if (key instanceof MetadataKey.Partition p) {
            Map<Integer, PartitionState> states = partitionStates.get(p.topicId());
            if (states != null) {
                states.remove(p.partition());
                if (states.isEmpty()) {
                    partitionStates.remove(p.topicId());
                }
            }
            built.remove(p.topicId());
        }
    }

    /** The image of the current state at {@code revision}. */
    MetadataImage build(long revision) {
        List<TopicMetadata> out = new ArrayList<>(topics.size());
        Map<String, Uuid> names = new HashMap<>();
        for (Map.Entry<Uuid, StoredValues.TopicValue> entry : new TreeMap<>(topics).entrySet()) {
            TopicMetadata topic = built.computeIfAbsent(entry.getKey(),
                id -> entry.getValue().toMetadata(partitionStates.getOrDefault(id, Map.of())));
            Uuid other = names.putIfAbsent(topic.name(), topic.topicId());
            if (other != null) {
                LOG.error("Two topic IDs {} and {} claim the name {}; ignoring the second", other, topic.topicId(),
                    topic.name());
                continue;
            }
            out.add(topic);
        }
        int controllerId = controller == null ? MetadataImage.NO_CONTROLLER : controller.brokerId();
        int epoch = Math.max(controllerEpoch, controller == null ? 0 : controller.epoch());
        return new MetadataImage(revision, Optional.ofNullable(clusterId), brokers, brokerEpochs, out, controllerId,
            epoch);
    }

    private static <T extends StoredValues.Versioned> T decode(KeyValue kv, Class<T> type) {
        return ValueCodec.decode(kv.getValue(), type, kv.getKey());
    }
}
