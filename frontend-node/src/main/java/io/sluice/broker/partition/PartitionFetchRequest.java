package io.sluice.broker.partition;

import java.util.Optional;

/**
 * One partition's part of a fetch.
 *
 * @param fetchOffset         the first offset wanted (inclusive)
 * @param maxBytes            per-partition byte limit ({@code max.partition.fetch.bytes})
 * @param currentLeaderEpoch  the leader epoch the client believes current (KIP-320), empty if it sent -1
 */
public record PartitionFetchRequest(long fetchOffset, int maxBytes, Optional<Integer> currentLeaderEpoch) {
}
