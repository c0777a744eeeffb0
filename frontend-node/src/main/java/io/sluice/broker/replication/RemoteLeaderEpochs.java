package io.sluice.broker.replication;

import io.sluice.storage.epoch.EpochEntry;
import org.apache.kafka.common.TopicIdPartition;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The leader epoch lineage of tiered offsets, read from remote storage (the leader-epoch checkpoint object of the
 * remote segment ending just below an offset). A follower restarting its log at the leader's local log start offset
 * (the leader answered OFFSET_MOVED_TO_TIERED_STORAGE, KIP-405) restores it, so OffsetForLeaderEpoch keeps answering
 * for tiered offsets once it leads.
 */
@FunctionalInterface
public interface RemoteLeaderEpochs {
    /** No remote storage: nothing to restore. */
    RemoteLeaderEpochs NONE = (partition, endOffset) -> CompletableFuture.completedFuture(Optional.empty());

    /**
     * @param endOffset exclusive end: the epochs of offsets below it
     * @return the lineage, or empty if no remote segment ends at {@code endOffset - 1}
     */
    CompletableFuture<Optional<List<EpochEntry>>> before(TopicIdPartition partition, long endOffset);
}
