package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.PartitionState;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Compare-and-swap of one partition's state. It reads the topic document and the partition key in one read-only
 * transaction (a consistent snapshot), derives the current state (stored, or the initial one from the assignment),
 * compares it with the caller's expected state, then writes with the guard
 * {@code version(topics/<id>) > 0 && mod_revision(partitions/<id>/<p>) == read} ({@code version == 0} when the key
 * did not exist yet). If the guard fails the attempt re-reads: a state that now differs from {@code expected} gives
 * {@code false}.
 */
final class PartitionStateWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateWriter.class);

    private final WriteContext ctx;

    PartitionStateWriter(WriteContext ctx) {
        this.ctx = ctx;
    }

    CompletableFuture<Boolean> compareAndSet(Uuid topicId, int partition, PartitionState expected,
                                             PartitionState next) {
        if (next.partitionEpoch() <= expected.partitionEpoch()) {
            return CompletableFuture.failedFuture(new InvalidUpdateVersionException("The new partition epoch "
                + next.partitionEpoch() + " must be greater than the expected one " + expected.partitionEpoch()));
        }
        if (next.leaderEpoch() < expected.leaderEpoch()) {
            return CompletableFuture.failedFuture(new InvalidUpdateVersionException("The new leader epoch "
                + next.leaderEpoch() + " is smaller than the expected one " + expected.leaderEpoch()));
        }
        String what = "update partition " + topicId + "-" + partition;
        return CasRetry.run(what, () -> attempt(topicId, partition, expected, next, what));
    }

    private CompletableFuture<Optional<Boolean>> attempt(Uuid topicId, int partition, PartitionState expected,
                                                         PartitionState next, String what) {
        ByteSequence topicKey = ctx.keys().topic(topicId);
        ByteSequence partitionKey = ctx.keys().partition(topicId, partition);
        return ctx.calls().call("read " + what, () -> ctx.kv().txn()
                .Then(Op.get(topicKey, GetOption.DEFAULT), Op.get(partitionKey, GetOption.DEFAULT))
                .commit())
            .thenCompose(read -> {
                List<KeyValue> topicKvs = read.getGetResponses().get(0).getKvs();
                if (topicKvs.isEmpty()) {
                    return CompletableFuture.failedFuture(
                        new UnknownTopicIdException("Topic ID " + topicId + " does not exist."));
                }
                StoredValues.TopicValue topic =
                    ValueCodec.decode(topicKvs.get(0).getValue(), StoredValues.TopicValue.class, topicKey);
                if (partition < 0 || partition >= topic.assignments().size()) {
                    return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Partition "
                        + partition + " of topic " + topic.name() + " does not exist."));
                }
                List<KeyValue> partitionKvs = read.getGetResponses().get(1).getKvs();
                long modRevision = partitionKvs.isEmpty() ? 0 : partitionKvs.get(0).getModRevision();
                PartitionState current = partitionKvs.isEmpty()
                    ? PartitionState.initial(topic.assignments().get(partition))
                    : ValueCodec.decode(partitionKvs.get(0).getValue(), StoredValues.PartitionValue.class,
                        partitionKey).toState();
                if (!current.equals(expected)) {
                    return CompletableFuture.completedFuture(Optional.of(Boolean.FALSE));
                }
                Cmp partitionGuard = modRevision == 0
                    ? new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
                return ctx.calls().call(what, () -> ctx.kv().txn()
                        .If(new Cmp(topicKey, Cmp.Op.GREATER, CmpTarget.version(0)), partitionGuard)
                        .Then(Op.put(partitionKey, ValueCodec.encode(StoredValues.PartitionValue.of(next)),
                            PutOption.DEFAULT))
                        .commit())
                    .thenCompose(written -> {
                        if (!written.isSucceeded()) {
                            return CompletableFuture.completedFuture(Optional.<Boolean>empty());
                        }
                        LOG.info("Partition {}-{}: leader {} epoch {}, ISR {}, partition epoch {}", topic.name(),
                            partition, next.leader(), next.leaderEpoch(), next.isr(), next.partitionEpoch());
                        return ctx.afterCacheSees(written.getHeader().getRevision(), Optional.of(Boolean.TRUE));
                    });
            });
    }
}
