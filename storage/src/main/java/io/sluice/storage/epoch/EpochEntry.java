package io.sluice.storage.epoch;

/**
 * A leader epoch and the first offset written in it (one line of {@code leader-epoch-checkpoint}).
 *
 * @param epoch       leader epoch, at least 0
 * @param startOffset first offset of that epoch, at least 0
 */
public record EpochEntry(int epoch, long startOffset) {
    public EpochEntry {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("Invalid leader epoch entry (" + epoch + ", " + startOffset + ")");
        }
    }
}
