package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Compare-and-swap of one partition's state. It reads the topic document and the partition key in one read-only
 * transaction (a consistent snapshot), derives the current state (stored, or the initial one from the assignment),
 * compares it with the caller's expected state, then writes with the guard
 * {@code version(topics/<id>) > 0 && mod_revision(partitions/<id>/<p>) == read} ({@code version == 0} when the key
 * did not exist yet), plus the caller's extra {@link Guard}s (the controller's fence, the writing broker's epoch). If
 * an extra guard fails, the write fails as that guard says; if only the partition guard failed, the attempt re-reads:
 * a state that now differs from {@code expected} gives {@code false}.
 *
 * <p>Logs one line per written state, naming the writer.
 */
final class PartitionStateWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateWriter.class);

    /**
     * An extra condition of the write, checked by etcd in the same transaction.
     *
     * @param key       the key the condition reads; read back when the transaction fails
     * @param cmp       the etcd comparison on {@code key}
     * @param holds     evaluates the same condition on the read-back value (empty when the key is absent)
     * @param violation the failure when the condition does not hold; {@code null} makes the write return
     *                  {@code false} instead (not written, nothing wrong)
     */
    record Guard(ByteSequence key, Cmp cmp, Predicate<Optional<KeyValue>> holds,
                 Supplier<RuntimeException> violation) {
    }

    private final WriteContext ctx;

    PartitionStateWriter(WriteContext ctx) {
        this.ctx = ctx;
    }

    /** Compare-and-swap without extra guards. */
    CompletableFuture<Boolean> compareAndSet(Uuid topicId, int partition, PartitionState expected,
                                             PartitionState next) {
        return compareAndSet(topicId, partition, expected, next, List.of(), "unfenced writer");
    }

    /**
     * @param guards extra conditions, all of which must hold for the write to happen
     * @param writer who writes, for the log line (e.g. "controller 1 epoch 3")
     */
    CompletableFuture<Boolean> compareAndSet(Uuid topicId, int partition, PartitionState expected,
                                             PartitionState next, List<Guard> guards, String writer) {
        if (next.partitionEpoch() <= expected.partitionEpoch()) {
            return CompletableFuture.failedFuture(new InvalidUpdateVersionException("The new partition epoch "
                + next.partitionEpoch() + " must be greater than the expected one " + expected.partitionEpoch()));
        }
        if (next.leaderEpoch() < expected.leaderEpoch()) {
            return CompletableFuture.failedFuture(new InvalidUpdateVersionException("The new leader epoch "
                + next.leaderEpoch() + " is smaller than the expected one " + expected.leaderEpoch()));
        }
        String what = "update partition " + topicId + "-" + partition;
        return CasRetry.run(what, () -> attempt(topicId, partition, expected, next, guards, writer, what));
    }

    private CompletableFuture<Optional<Boolean>> attempt(Uuid topicId, int partition, PartitionState expected,
                                                         PartitionState next, List<Guard> guards, String writer,
                                                         String what) {
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
                return write(topicKey, partitionKey, modRevision, next, guards, what).thenCompose(written -> {
                    if (written.isEmpty() || !written.get().isSucceeded()) {
                        return CompletableFuture.completedFuture(written.map(r -> Boolean.FALSE));
                    }
                    LOG.info("Partition {}-{} written by {}: leader {} -> {}, leader epoch {} -> {}, ISR {} -> {}, "
                            + "partition epoch {}", topic.name(), partition, writer, expected.leader(), next.leader(),
                        expected.leaderEpoch(), next.leaderEpoch(), expected.isr(), next.isr(),
                        next.partitionEpoch());
                    return ctx.afterCacheSees(written.get().getHeader().getRevision(), Optional.of(Boolean.TRUE));
                });
            });
    }

    /**
     * Runs the guarded put. Completes with the response when it succeeded or an extra guard asks for {@code false}
     * (then the response is a failed one), empty when only the partition guard failed (re-read and retry), or fails
     * with an extra guard's violation.
     */
    private CompletableFuture<Optional<TxnResponse>> write(ByteSequence topicKey, ByteSequence partitionKey,
                                                           long modRevision, PartitionState next, List<Guard> guards,
                                                           String what) {
        List<Cmp> cmps = new ArrayList<>();
        cmps.add(new Cmp(topicKey, Cmp.Op.GREATER, CmpTarget.version(0)));
        cmps.add(modRevision == 0
            ? new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(partitionKey, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)));
        List<Op> readBack = new ArrayList<>();
        for (Guard guard : guards) {
            cmps.add(guard.cmp());
            readBack.add(Op.get(guard.key(), GetOption.DEFAULT));
        }
        return ctx.calls().call(what, () -> ctx.kv().txn()
                .If(cmps.toArray(Cmp[]::new))
                .Then(Op.put(partitionKey, ValueCodec.encode(StoredValues.PartitionValue.of(next)), PutOption.DEFAULT))
                .Else(readBack.toArray(Op[]::new))
                .commit())
            .thenCompose(response -> {
                if (response.isSucceeded()) {
                    return CompletableFuture.completedFuture(Optional.of(response));
                }
                for (int i = 0; i < guards.size(); i++) {
                    Guard guard = guards.get(i);
                    List<KeyValue> kvs = response.getGetResponses().get(i).getKvs();
                    if (!guard.holds().test(kvs.stream().findFirst())) {
                        return guard.violation() == null
                            ? CompletableFuture.completedFuture(Optional.of(response))
                            : CompletableFuture.failedFuture(guard.violation().get());
                    }
                }
                return CompletableFuture.completedFuture(Optional.empty());
            });
    }
}
