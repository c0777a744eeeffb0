package io.sluice.metadata.etcd;

import io.sluice.metadata.MetadataStore;
import io.sluice.metadata.MetadataStoreConfig;
import io.sluice.metadata.ProducerIdBlock;
import io.sluice.metadata.producer.ProducerIdManager;
import io.sluice.metadata.testing.EtcdExtension;
import io.sluice.metadata.testing.EtcdTestEnv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.sluice.metadata.testing.TestFutures.join;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EtcdExtension.class)
class ProducerIdBlocksTest {

    @Test
    void concurrentAllocatorsGetDisjointContiguousBlocks(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore a = MetadataStore.connect(config); MetadataStore b = MetadataStore.connect(config)) {
            List<CompletableFuture<ProducerIdBlock>> calls = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                calls.add(a.allocateProducerIdBlock(1));
                calls.add(b.allocateProducerIdBlock(2));
            }

            List<ProducerIdBlock> blocks = new ArrayList<>(calls.stream().map(f -> join(f)).toList());

            blocks.sort(Comparator.comparingLong(ProducerIdBlock::firstProducerId));
            assertThat(blocks).allSatisfy(block -> assertThat(block.size()).isEqualTo(1000));
            for (int i = 0; i < blocks.size(); i++) {
                assertThat(blocks.get(i).firstProducerId()).as("block %d", i).isEqualTo(i * 1000L);
            }
        }
        try (MetadataStore restarted = MetadataStore.connect(config)) {
            assertThat(join(restarted.allocateProducerIdBlock(1)).firstProducerId()).isEqualTo(30_000L);
        }
    }

    @Test
    void producerIdManagersOnTwoBrokersNeverHandOutTheSameId(EtcdTestEnv env) {
        MetadataStoreConfig config = env.isolatedStoreConfig().build();
        try (MetadataStore a = MetadataStore.connect(config); MetadataStore b = MetadataStore.connect(config)) {
            ProducerIdManager one = new ProducerIdManager(1, a::allocateProducerIdBlock);
            ProducerIdManager two = new ProducerIdManager(2, b::allocateProducerIdBlock);
            Set<Long> ids = new HashSet<>();
            List<CompletableFuture<Long>> pending = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                pending.add(one.nextProducerId());
                pending.add(two.nextProducerId());
            }
            pending.forEach(f -> ids.add(join(f)));

            assertThat(ids).hasSize(5000);
            assertThat(ids).allSatisfy(id -> assertThat(id).isBetween(0L, 7999L));
        }
    }
}
