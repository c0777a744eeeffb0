package io.sluice.broker.coordinator.group;

import java.util.Arrays;
import java.util.Objects;

/**
 * One protocol a member supports, as sent in JoinGroup: the protocol (assignor) name, e.g. {@code range} or
 * {@code cooperative-sticky}, and its opaque metadata (for consumers, the {@code ConsumerProtocol} subscription:
 * topics, owned partitions, rack). The coordinator never interprets the metadata except to learn a consumer group's
 * subscribed topics for OffsetDelete.
 *
 * @param name     the protocol name
 * @param metadata the protocol metadata bytes (never null; not copied, so callers must not mutate it)
 */
public record MemberProtocol(String name, byte[] metadata) {
    public MemberProtocol {
        Objects.requireNonNull(name, "name");
        metadata = metadata == null ? new byte[0] : metadata;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberProtocol that && name.equals(that.name) && Arrays.equals(metadata, that.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "MemberProtocol(" + name + ", " + metadata.length + " bytes)";
    }
}
