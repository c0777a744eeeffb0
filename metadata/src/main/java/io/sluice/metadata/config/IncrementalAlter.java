package io.sluice.metadata.config;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns IncrementalAlterConfigs operations into the set-or-delete map {@code MetadataStore.alterTopicConfigs} takes,
 * with the semantics of Kafka's {@code ConfigurationControlManager.incrementalAlterConfigResource}: APPEND adds the
 * items not yet present, SUBTRACT removes items, both starting from the current override or, without one, from the
 * built-in default.
 */
final class IncrementalAlter {

    private IncrementalAlter() {
    }

    static Map<String, Optional<String>> changes(Map<String, String> currentOverrides,
                                                 List<ConfigAlteration> alterations) {
        Set<String> seen = new HashSet<>();
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        for (ConfigAlteration alteration : alterations) {
            if (!seen.add(alteration.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            TopicConfigDef def = TopicConfigDefs.get(alteration.name());
            switch (alteration.op()) {
                case SET -> {
                    if (alteration.value() == null) {
                        throw new InvalidConfigurationException("Null value not supported for topic configs: "
                            + alteration.name());
                    }
                    out.put(def.name(), Optional.of(alteration.value()));
                }
                case DELETE -> out.put(def.name(), Optional.empty());
                case APPEND, SUBTRACT -> out.put(def.name(),
                    Optional.of(listOp(def, currentOverrides.get(def.name()), alteration)));
                default -> throw new InvalidRequestException("Unknown operation " + alteration.op());
            }
        }
        return out;
    }

    private static String listOp(TopicConfigDef def, String current, ConfigAlteration alteration) {
        if (def.type() != ConfigDef.Type.LIST) {
            throw new InvalidConfigurationException("Can't " + alteration.op() + " to key " + def.name()
                + " because its type is not LIST.");
        }
        List<String> items = split(current != null ? current : def.defaultValueString());
        List<String> operands = split(alteration.value() == null ? "" : alteration.value());
        if (alteration.op() == AlterConfigOp.OpType.APPEND) {
            for (String operand : operands) {
                if (!items.contains(operand)) {
                    items.add(operand);
                }
            }
        } else {
            items.removeAll(operands);
        }
        return String.join(",", items);
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                parts.add(trimmed);
            }
        }
        return parts;
    }
}
