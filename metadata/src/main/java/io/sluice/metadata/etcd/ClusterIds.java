package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Creates the cluster id once: a create-if-absent transaction ({@code version(cluster-id) == 0} → put, else get), so
 * among concurrent first starts exactly one id is written and every caller gets that one.
 */
final class ClusterIds {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterIds.class);

    private final WriteContext ctx;

    ClusterIds(WriteContext ctx) {
        this.ctx = ctx;
    }

    CompletableFuture<String> getOrCreate() {
        ByteSequence key = ctx.keys().clusterId();
        String candidate = Uuid.randomUuid().toString();
        ByteSequence value = ValueCodec.encode(new StoredValues.ClusterIdValue(StoredValues.VERSION, candidate));
        return ctx.calls().call("create cluster id", () -> ctx.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, value, PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit())
            .thenCompose(response -> {
                if (response.isSucceeded()) {
                    LOG.info("Created cluster id {}", candidate);
                    return ctx.afterCacheSees(response.getHeader().getRevision(), candidate);
                }
                var existing = response.getGetResponses().get(0).getKvs().get(0);
                String id = ValueCodec.decode(existing.getValue(), StoredValues.ClusterIdValue.class, key).clusterId();
                return ctx.afterCacheSees(existing.getModRevision(), id);
            });
    }
}
