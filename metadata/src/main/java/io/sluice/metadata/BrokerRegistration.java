package io.sluice.metadata;

import java.util.Objects;
import java.util.Optional;

/**
 * A live broker as it registers itself in the metadata store (Kafka's {@code BrokerRegistrationRecord}, reduced to
 * what Sluice needs).
 *
 * @param brokerId  the broker's {@code node.id}; {@code >= 0}
 * @param host      the host name or address clients connect to (the advertised Kafka listener host)
 * @param kafkaPort the advertised Kafka protocol port, 1..65535
 * @param httpPort  the HTTP (admin, metrics) port, 1..65535, or 0 when the broker has no HTTP listener
 * @param rack      the broker's {@code broker.rack}, used by rack-aware replica placement; empty when unset
 */
public record BrokerRegistration(int brokerId, String host, int kafkaPort, int httpPort, Optional<String> rack) {

    public BrokerRegistration {
        if (brokerId < 0) {
            throw new IllegalArgumentException("brokerId must be >= 0, got " + brokerId);
        }
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (kafkaPort < 1 || kafkaPort > 65535) {
            throw new IllegalArgumentException("kafkaPort must be in 1..65535, got " + kafkaPort);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be in 0..65535, got " + httpPort);
        }
        rack = Objects.requireNonNull(rack, "rack").filter(r -> !r.isBlank());
    }

    /** A registration without a rack. */
    public static BrokerRegistration of(int brokerId, String host, int kafkaPort, int httpPort) {
        return new BrokerRegistration(brokerId, host, kafkaPort, httpPort, Optional.empty());
    }
}
