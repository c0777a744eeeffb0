package io.sluice.metadata.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.sluice.metadata.remote.RemoteLogState;
import io.sluice.metadata.remote.RemoteSegmentMetadata;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Linearizable reads of the remote log metadata, straight from etcd (the metadata cache does not hold it). Ranges are
 * read in pages, every page pinned to the revision of the first, so a listing is one consistent snapshot.
 */
final class RemoteLogReader {

    static final int PAGE_SIZE = 500;

    private final WriteContext ctx;

    RemoteLogReader(WriteContext ctx) {
        this.ctx = ctx;
    }

    /** Every registration of a partition, sorted by base offset, in any state. */
    CompletableFuture<List<RemoteSegmentMetadata>> segments(Uuid topicId, int partition) {
        return range(ctx.keys().remoteSegmentsOf(topicId, partition), false)
            .thenApply(kvs -> kvs.stream().map(RemoteLogSnapshot::decodeSegment).toList());
    }

    CompletableFuture<RemoteLogState> state(Uuid topicId, int partition) {
        ByteSequence key = ctx.keys().remoteLogState(topicId, partition);
        return ctx.calls().call("read remote log state of " + topicId + "-" + partition, () -> ctx.kv().get(key))
            .thenApply(read -> read.getKvs().stream().findFirst()
                .map(kv -> ValueCodec.decode(kv.getValue(), RemoteLogStateValue.class, key).toState())
                .orElse(RemoteLogState.EMPTY));
    }

    /** The partitions that have remote log metadata (a summary key), by topic ID, whether or not the topic exists. */
    CompletableFuture<Map<Uuid, SortedSet<Integer>>> partitions() {
        return range(ctx.keys().remoteLogStates(), true).thenApply(kvs -> {
            Map<Uuid, SortedSet<Integer>> out = new TreeMap<>();
            for (KeyValue kv : kvs) {
                ctx.keys().parseRemoteLogState(kv.getKey()).ifPresent(p ->
                    out.computeIfAbsent(p.topicId(), id -> new TreeSet<>()).add(p.partition()));
            }
            return out;
        });
    }

    private CompletableFuture<List<KeyValue>> range(ByteSequence prefix, boolean keysOnly) {
        return page(prefix, prefixEnd(prefix), prefix, 0, keysOnly, new ArrayList<>());
    }

    private CompletableFuture<List<KeyValue>> page(ByteSequence prefix, ByteSequence end, ByteSequence from,
                                                   long revision, boolean keysOnly, List<KeyValue> acc) {
        GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_SIZE).withKeysOnly(keysOnly);
        if (revision > 0) {
            option.withRevision(revision);
        }
        return ctx.calls().call("read " + prefix, () -> ctx.kv().get(from, option.build())).thenCompose(read -> {
            long rev = revision > 0 ? revision : read.getHeader().getRevision();
            acc.addAll(read.getKvs());
            if (!read.isMore() || read.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(acc);
            }
            return page(prefix, end, after(lastKey(read)), rev, keysOnly, acc);
        });
    }

    private static ByteSequence lastKey(GetResponse page) {
        return page.getKvs().get(page.getKvs().size() - 1).getKey();
    }

    private static ByteSequence after(ByteSequence key) {
        return key.concat(ByteSequence.from(new byte[] {0}));
    }

    /** The first key after every key starting with {@code prefix} (whose last byte is '/', so +1 cannot overflow). */
    private static ByteSequence prefixEnd(ByteSequence prefix) {
        byte[] bytes = prefix.getBytes();
        bytes[bytes.length - 1]++;
        return ByteSequence.from(bytes);
    }
}
