package io.sluice.tiering.read;

import io.sluice.storage.epoch.EpochEntry;

import java.util.List;

/**
 * A remote segment's parsed {@code .leader-epoch-checkpoint} object (Kafka's checkpoint text format: version line
 * {@code 0}, count line, then {@code epoch startOffset} lines).
 *
 * @param entries     the leader epoch lineage from the log start up to the segment's last offset, in increasing epoch
 *                    and offset order
 * @param sizeInBytes the object's size
 */
record RemoteEpochCheckpoint(List<EpochEntry> entries, int sizeInBytes) implements CachedIndex {

    RemoteEpochCheckpoint {
        entries = List.copyOf(entries);
    }
}
