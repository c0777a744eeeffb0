package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.TopicMetadata;

import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Reads a topic's documents straight from etcd, with the mod revisions writers compare against. */
final class TopicReader {

    /**
     * A topic as read.
     *
     * @param nameRevision  mod revision of the name claim
     * @param value         the topic document
     * @param topicRevision mod revision of the topic document
     */
    record StoredTopic(long nameRevision, StoredValues.TopicValue value, long topicRevision) {
        Uuid topicId() {
            return value.id();
        }
    }

    private final WriteContext ctx;

    TopicReader(WriteContext ctx) {
        this.ctx = ctx;
    }

    /** The topic named exactly {@code name}; empty if none (or a colliding name holds the claim). */
    CompletableFuture<Optional<StoredTopic>> byName(String name) {
        ByteSequence nameKey = ctx.keys().topicName(name);
        return ctx.calls().call("read topic name", () -> ctx.kv().get(nameKey)).thenCompose(nameRead -> {
            if (nameRead.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            KeyValue nameKv = nameRead.getKvs().get(0);
            StoredValues.TopicNameValue claim =
                ValueCodec.decode(nameKv.getValue(), StoredValues.TopicNameValue.class, nameKey);
            if (!claim.name().equals(name)) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            ByteSequence topicKey = ctx.keys().topic(Uuid.fromString(claim.topicId()));
            return ctx.calls().call("read topic", () -> ctx.kv().get(topicKey)).thenApply(topicRead -> {
                if (topicRead.getKvs().isEmpty()) {
                    return Optional.empty();
                }
                KeyValue topicKv = topicRead.getKvs().get(0);
                StoredValues.TopicValue value =
                    ValueCodec.decode(topicKv.getValue(), StoredValues.TopicValue.class, topicKey);
                return Optional.of(new StoredTopic(nameKv.getModRevision(), value, topicKv.getModRevision()));
            });
        });
    }

    /** The topic with its stored partition states, read from etcd. */
    CompletableFuture<Optional<TopicMetadata>> describe(String name) {
        return byName(name).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            StoredTopic topic = found.get();
            return partitionStates(topic.topicId())
                .thenApply(states -> Optional.of(topic.value().toMetadata(states)));
        });
    }

    /** The stored partition states of a topic (partitions never changed since creation have none). */
    CompletableFuture<Map<Integer, PartitionState>> partitionStates(Uuid topicId) {
        ByteSequence prefix = ctx.keys().partitionsOf(topicId);
        return ctx.calls().call("read partition states",
                () -> ctx.kv().get(prefix, GetOption.builder().isPrefix(true).build()))
            .thenApply(read -> {
                Map<Integer, PartitionState> states = new HashMap<>();
                for (KeyValue kv : read.getKvs()) {
                    MetadataKey key = ctx.keys().parse(kv.getKey());
                    if (key instanceof MetadataKey.Partition p) {
                        states.put(p.partition(), ValueCodec.decode(kv.getValue(), StoredValues.PartitionValue.class,
                            kv.getKey()).toState());
                    }
                }
                return states;
            });
    }
}
