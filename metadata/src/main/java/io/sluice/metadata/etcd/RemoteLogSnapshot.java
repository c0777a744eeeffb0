package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.sluice.metadata.PartitionState;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;
import io.sluice.metadata.remote.RemoteSegmentMetadataJson;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One consistent read (a read-only transaction) of what a fenced remote log write depends on: the topic document, the
 * partition state, the writing broker's registration, the partition's remote log summary and some segment keys. It
 * checks the writer's fence and produces the comparisons that make the later write transaction fail if any of it
 * changed meanwhile.
 */
final class RemoteLogSnapshot {

    /**
     * Who writes: the partition leader at {@code leaderEpoch}, registered as {@code brokerId} with broker epoch
     * {@code brokerEpoch} (the create revision of its {@code brokers/<id>} key).
     */
    record Fence(int leaderEpoch, int brokerId, long brokerEpoch) {
        @Override
        public String toString() {
            return "broker " + brokerId + " (broker epoch " + brokerEpoch + ") at leader epoch " + leaderEpoch;
        }
    }

    private final EtcdKeys keys;
    private final Uuid topicId;
    private final int partition;
    private final Optional<StoredValues.TopicValue> topic;
    private final long partitionRevision;
    private final Optional<PartitionState> partitionState;
    private final Optional<KeyValue> broker;
    private final long remoteStateRevision;
    private final RemoteLogState remoteState;
    private final List<Optional<KeyValue>> segments;

    private RemoteLogSnapshot(EtcdKeys keys, Uuid topicId, int partition, Optional<StoredValues.TopicValue> topic,
                              long partitionRevision, Optional<PartitionState> partitionState,
                              Optional<KeyValue> broker, long remoteStateRevision, RemoteLogState remoteState,
                              List<Optional<KeyValue>> segments) {
        this.keys = keys;
        this.topicId = topicId;
        this.partition = partition;
        this.topic = topic;
        this.partitionRevision = partitionRevision;
        this.partitionState = partitionState;
        this.broker = broker;
        this.remoteStateRevision = remoteStateRevision;
        this.remoteState = remoteState;
        this.segments = segments;
    }

    /** Reads the snapshot for {@code fence}'s broker, plus the segment keys starting at {@code segmentBaseOffsets}. */
    static CompletableFuture<RemoteLogSnapshot> read(WriteContext ctx, Uuid topicId, int partition, Fence fence,
                                                     List<Long> segmentBaseOffsets) {
        EtcdKeys keys = ctx.keys();
        ByteSequence topicKey = keys.topic(topicId);
        ByteSequence partitionKey = keys.partition(topicId, partition);
        ByteSequence stateKey = keys.remoteLogState(topicId, partition);
        List<Op> gets = new ArrayList<>(List.of(Op.get(topicKey, GetOption.DEFAULT),
            Op.get(partitionKey, GetOption.DEFAULT), Op.get(keys.broker(fence.brokerId()), GetOption.DEFAULT),
            Op.get(stateKey, GetOption.DEFAULT)));
        for (long base : segmentBaseOffsets) {
            gets.add(Op.get(keys.remoteSegment(topicId, partition, base), GetOption.DEFAULT));
        }
        String what = "read remote log of " + topicId + "-" + partition;
        return ctx.calls().call(what, () -> ctx.kv().txn().Then(gets.toArray(Op[]::new)).commit()).thenApply(read -> {
            List<Optional<KeyValue>> kvs = read.getGetResponses().stream()
                .map(r -> r.getKvs().stream().findFirst()).toList();
            Optional<StoredValues.TopicValue> topic = kvs.get(0)
                .map(kv -> ValueCodec.decode(kv.getValue(), StoredValues.TopicValue.class, topicKey));
            Optional<PartitionState> state = Optional.empty();
            if (topic.isPresent() && partition >= 0 && partition < topic.get().assignments().size()) {
                state = Optional.of(kvs.get(1)
                    .map(kv -> ValueCodec.decode(kv.getValue(), StoredValues.PartitionValue.class, partitionKey)
                        .toState())
                    .orElseGet(() -> PartitionState.initial(topic.get().assignments().get(partition))));
            }
            RemoteLogState remote = kvs.get(3)
                .map(kv -> ValueCodec.decode(kv.getValue(), RemoteLogStateValue.class, stateKey).toState())
                .orElse(RemoteLogState.EMPTY);
            return new RemoteLogSnapshot(keys, topicId, partition, topic, kvs.get(1).map(KeyValue::getModRevision)
                .orElse(0L), state, kvs.get(2), kvs.get(3).map(KeyValue::getModRevision).orElse(0L), remote,
                kvs.subList(4, kvs.size()));
        });
    }

    /**
     * The violation of {@code fence} in this snapshot, checked in Kafka's order (topic, partition, leader epoch,
     * leader, then the broker's registration); empty if the fence holds.
     */
    Optional<RuntimeException> fenceViolation(Fence fence) {
        if (topic.isEmpty()) {
            return Optional.of(new UnknownTopicIdException("Topic ID " + topicId + " does not exist."));
        }
        if (partitionState.isEmpty()) {
            return Optional.of(new UnknownTopicOrPartitionException("Partition " + partition + " of topic "
                + topic.get().name() + " does not exist."));
        }
        PartitionState state = partitionState.get();
        String tp = topic.get().name() + "-" + partition;
        if (fence.leaderEpoch() < state.leaderEpoch()) {
            return Optional.of(new FencedLeaderEpochException("Leader epoch " + fence.leaderEpoch() + " of broker "
                + fence.brokerId() + " is older than the current leader epoch " + state.leaderEpoch() + " of " + tp));
        }
        if (fence.leaderEpoch() > state.leaderEpoch()) {
            return Optional.of(new UnknownLeaderEpochException("Leader epoch " + fence.leaderEpoch() + " of broker "
                + fence.brokerId() + " is newer than the current leader epoch " + state.leaderEpoch() + " of " + tp));
        }
        if (state.leader() != fence.brokerId()) {
            return Optional.of(new NotLeaderOrFollowerException("Broker " + fence.brokerId() + " is not the leader of "
                + tp + " at leader epoch " + state.leaderEpoch() + " (the leader is " + state.leader() + ")"));
        }
        if (broker.isEmpty() || broker.get().getCreateRevision() != fence.brokerEpoch()) {
            return Optional.of(new StaleBrokerEpochException("Broker " + fence.brokerId() + " with broker epoch "
                + fence.brokerEpoch() + " is no longer registered (its lease ended or it registered again)"));
        }
        return Optional.empty();
    }

    /**
     * The comparisons that hold while nothing this snapshot read has changed: the topic exists, the partition state,
     * the broker registration and the remote log summary are the ones read.
     */
    List<Cmp> unchanged(Fence fence) {
        List<Cmp> cmps = new ArrayList<>();
        cmps.add(new Cmp(keys.topic(topicId), Cmp.Op.GREATER, CmpTarget.version(0)));
        cmps.add(sameRevision(keys.partition(topicId, partition), partitionRevision));
        cmps.add(new Cmp(keys.broker(fence.brokerId()), Cmp.Op.EQUAL, CmpTarget.createRevision(fence.brokerEpoch())));
        cmps.add(sameRevision(keys.remoteLogState(topicId, partition), remoteStateRevision));
        return cmps;
    }

    /** {@code mod_revision(key) == revision}, or {@code version(key) == 0} when it was absent (revision 0). */
    static Cmp sameRevision(ByteSequence key, long revision) {
        return revision == 0
            ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision));
    }

    /** The topic name (present once the fence holds). */
    String topicName() {
        return topic.map(StoredValues.TopicValue::name).orElse(topicId.toString());
    }

    RemoteLogState remoteState() {
        return remoteState;
    }

    /** The i-th requested segment key as read. */
    Optional<KeyValue> segment(int i) {
        return segments.get(i);
    }

    /** Decodes a segment registration; a corrupt value becomes {@link UnknownServerException} naming the key. */
    static RemoteSegmentMetadata decodeSegment(KeyValue kv) {
        try {
            return RemoteSegmentMetadataJson.decode(kv.getValue().getBytes());
        } catch (IllegalArgumentException e) {
            throw new UnknownServerException("Corrupt remote segment metadata at "
                + kv.getKey().toString(StandardCharsets.UTF_8) + ": " + e.getMessage(), e);
        }
    }
}
