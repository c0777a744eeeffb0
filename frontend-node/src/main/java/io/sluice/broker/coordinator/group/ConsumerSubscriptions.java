package io.sluice.broker.coordinator.group;

import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the topics a consumer subscribed to from its JoinGroup protocol metadata (the embedded consumer protocol,
 * {@code ConsumerProtocolSubscription}). Only version 0's fields are read: every later version starts with them, so
 * subscriptions from newer clients parse too (the same rule Kafka's coordinator uses).
 */
final class ConsumerSubscriptions {
    private ConsumerSubscriptions() {
    }

    /** @return the subscribed topics, or empty when the metadata is not a valid consumer protocol subscription */
    static Optional<Set<String>> topics(byte[] metadata) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(metadata);
            ConsumerProtocol.deserializeVersion(buffer);
            return Optional.of(new HashSet<>(
                    ConsumerProtocol.deserializeConsumerProtocolSubscription(buffer, (short) 0).topics()));
        } catch (RuntimeException e) {
            // SchemaException, BufferUnderflowException, or the generated reader's "non-nullable field" error
            return Optional.empty();
        }
    }
}
