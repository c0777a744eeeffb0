package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.sluice.metadata.ProducerIdBlock;

import org.apache.kafka.common.errors.UnknownServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Reserves producer id blocks from the counter key {@code producer-ids} (Kafka's {@code ProducerIdsRecord}): a
 * compare-and-swap on the key's mod revision (or {@code version == 0} for the first block) advances
 * {@code nextProducerId} by the block size; a lost race returns the fresh value in the same transaction and the next
 * attempt uses it.
 */
final class ProducerIdAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerIdAllocator.class);

    private final WriteContext ctx;
    private final int blockSize;

    ProducerIdAllocator(WriteContext ctx, int blockSize) {
        this.ctx = ctx;
        this.blockSize = blockSize;
    }

    CompletableFuture<ProducerIdBlock> allocate(int brokerId) {
        ByteSequence key = ctx.keys().producerIds();
        Observed[] seen = {null};
        return ctx.calls().call("read producer ids", () -> ctx.kv().get(key))
            .thenCompose(read -> {
                seen[0] = Observed.of(read.getKvs(), key);
                return CasRetry.run("allocate producer id block", () -> attempt(key, brokerId, seen));
            });
    }

    private record Observed(long nextProducerId, long modRevision) {
        static Observed of(List<KeyValue> kvs, ByteSequence key) {
            if (kvs.isEmpty()) {
                return new Observed(0, 0);
            }
            KeyValue kv = kvs.get(0);
            long next = ValueCodec.decode(kv.getValue(), StoredValues.ProducerIdsValue.class, key).nextProducerId();
            return new Observed(next, kv.getModRevision());
        }
    }

    private CompletableFuture<Optional<ProducerIdBlock>> attempt(ByteSequence key, int brokerId, Observed[] seen) {
        Observed current = seen[0];
        if (current.nextProducerId() > Long.MAX_VALUE - blockSize) {
            return CompletableFuture.failedFuture(new UnknownServerException("Exhausted all producerIds as the next "
                + "block's end producerId has exceeded the int64 type limit"));
        }
        ProducerIdBlock block = new ProducerIdBlock(current.nextProducerId(), blockSize);
        ByteSequence value = ValueCodec.encode(new StoredValues.ProducerIdsValue(StoredValues.VERSION,
            block.nextBlockFirstId(), brokerId));
        Cmp guard = current.modRevision() == 0
            ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.modRevision()));
        return ctx.calls().call("allocate producer id block", () -> ctx.kv().txn()
                .If(guard)
                .Then(Op.put(key, value, PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit())
            .thenApply(response -> {
                if (response.isSucceeded()) {
                    LOG.debug("Allocated producer ids {}..{} to broker {}", block.firstProducerId(),
                        block.lastProducerId(), brokerId);
                    return Optional.of(block);
                }
                seen[0] = Observed.of(response.getGetResponses().get(0).getKvs(), key);
                return Optional.empty();
            });
    }
}
