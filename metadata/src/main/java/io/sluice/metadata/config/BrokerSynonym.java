package io.sluice.metadata.config;

import java.util.Objects;

/**
 * A broker setting that supplies the default of a topic config (Kafka's {@code ServerTopicConfigSynonyms}), e.g.
 * {@code log.retention.hours} for {@code retention.ms}.
 *
 * @param name       the broker setting's name
 * @param multiplier factor from the broker setting's unit to the topic config's unit (3600000 for hours to
 *                   milliseconds); 1 for settings taken as they are
 */
public record BrokerSynonym(String name, long multiplier) {

    public BrokerSynonym {
        Objects.requireNonNull(name, "name");
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
    }

    /** A synonym taken as it is. */
    public static BrokerSynonym same(String name) {
        return new BrokerSynonym(name, 1);
    }

    /** Whether the broker value needs a unit conversion. */
    public boolean converts() {
        return multiplier != 1;
    }
}
